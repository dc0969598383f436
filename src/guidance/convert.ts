/**
 * Converters from the weight conventions of the sources to γ (docs/METHODS.md); use at the API boundary only.
 */

function finite(name: string, v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${name} must be a finite number; got ${v}`);
  return v;
}

/** Returns γ = w − 1 for Imagen / diffusers `guidance_scale` / EDM2 `guidance` / official SAG & PAG `guide_scale` w. */
export function fromGuidanceScale(w: number): number {
  return finite('guidance scale w', w) - 1;
}

/** Returns γ = w for Ho & Salimans' CFG weight w in (1 + w)ε_c − wε_u. */
export function fromHoSalimans(w: number): number {
  return finite('Ho & Salimans w', w);
}

/** Returns γ = s for diffusers `sag_scale`, `pag_scale`, `seg_scale` and SIMS ω. */
export function fromPerturbationScale(s: number): number {
  return finite('perturbation scale s', s);
}
