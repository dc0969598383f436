#!/usr/bin/env bash
# Submits the sweep array and a merge job that starts only when every array task has succeeded.
# Usage: deploy/slurm/submit.sh grid.json runs/sweep   (from a login node with guidance-lab on PATH)
set -euo pipefail
grid=${1:?usage: submit.sh grid.json out-dir}
out=${2:?usage: submit.sh grid.json out-dir}
here=$(dirname "$0")
mkdir -p logs "$out"
array=$(sbatch --parsable "$here/sweep.sbatch" "$grid" "$out")
merge=$(sbatch --parsable --dependency="afterok:${array%%;*}" "$here/merge.sbatch" "$out")
echo "sweep array ${array%%;*}, merge ${merge%%;*} (starts after the array succeeds); rows: $out/rows.json"
