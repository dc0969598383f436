/**
 * The configurations of the models guidance-lab ships (32×32×1, 10 classes unless unconditional).
 */
import type { ModelConfig } from './denoiser';

const base = { imageSize: 32, channels: 1, classes: 10 } as const;

export const PRESETS: Record<string, ModelConfig> = {
  /**
   * Main transformer: patch 4 (8×8 tokens), width 128, 6 blocks, 4 heads, 16-channel 3×3 convolutions
   * before the patches and after the head, a depthwise 3×3 convolution over the tokens in each MLP and
   * U-ViT's long skips.
   */
  'dit-main': { arch: 'dit', ...base, patch: 4, width: 128, depth: 6, heads: 4, convChannels: 16, localMlp: true, skips: true },
  /** Reduced-capacity transformer for autoguidance (about 40% of dit-main's parameters). */
  'dit-small': { arch: 'dit', ...base, patch: 4, width: 96, depth: 4, heads: 4 },
  /** Main UNet: 32/16/8 levels of 16/32/64 channels, attention at 16×16, 8×8 and the middle. */
  'unet-main': { arch: 'unet', ...base, widths: [16, 32, 64], attentionLevels: [1, 2], heads: 4, blocks: 1 },
  /** Reduced-capacity UNet for autoguidance (about 47% of unet-main's parameters). */
  'unet-small': { arch: 'unet', ...base, widths: [16, 24, 40], attentionLevels: [1, 2], heads: 4, blocks: 1 },
  /** Unconditional UNet (SAG/PAG/SEG/TSG without labels). */
  'unet-uncond': { arch: 'unet', ...base, classes: 0, widths: [16, 32, 64], attentionLevels: [1, 2], heads: 4, blocks: 1 },
};

/** Returns the preset `name`, or throws listing the presets. */
export function preset(name: string): ModelConfig {
  const p = PRESETS[name];
  if (!p) throw new Error(`unknown model preset "${name}"; presets: ${Object.keys(PRESETS).join(', ')}`);
  return p;
}
