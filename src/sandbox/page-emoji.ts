import { search } from 'node-emoji';

// Slack's shortcodes that node-emoji spells differently (Slack keeps its older names: large_green_circle).
const SLACK_ALIASES: Record<string, string> = {
  large_green_circle: '🟢',
  large_yellow_circle: '🟡',
  large_orange_circle: '🟠',
  large_purple_circle: '🟣',
  white_square: '⬜',
  thumbsup: '👍',
  thumbsdown: '👎',
};

/**
 * Text symbols for status emoji, used by the page when the machine has no emoji font (a Debian server
 * has DejaVu only, and an emoji it lacks would show as an empty box). DejaVu draws all of these;
 * the page still checks each one and writes the name in words when even this one cannot be drawn.
 */
export const EMOJI_TEXT_FALLBACK: Record<string, { char: string; color?: string }> = {
  large_green_circle: { char: '●', color: '#2eb67d' },
  green_circle: { char: '●', color: '#2eb67d' },
  red_circle: { char: '●', color: '#e01e5a' },
  large_yellow_circle: { char: '●', color: '#ecb22e' },
  large_blue_circle: { char: '●', color: '#1264a3' },
  white_check_mark: { char: '✔', color: '#2eb67d' },
  heavy_check_mark: { char: '✔', color: '#2eb67d' },
  x: { char: '✘', color: '#e01e5a' },
  warning: { char: '⚠', color: '#d97706' },
  rotating_light: { char: '⚠', color: '#e01e5a' },
  no_entry: { char: '⊖', color: '#e01e5a' },
  no_entry_sign: { char: '⊘', color: '#e01e5a' },
  hourglass: { char: '⧖' },
  hourglass_flowing_sand: { char: '⧖' },
  arrows_counterclockwise: { char: '↻' },
  repeat: { char: '↻' },
  leftwards_arrow_with_hook: { char: '↩' },
  twisted_rightwards_arrows: { char: '⇄' },
  arrow_forward: { char: '▶' },
  fast_forward: { char: '»' },
  white_square: { char: '□' },
  heavy_minus_sign: { char: '−' },
  information_source: { char: 'ℹ', color: '#1264a3' },
  pencil2: { char: '✎' },
  mag: { char: '⌕' },
  mag_right: { char: '⌕' },
  bulb: { char: '☀', color: '#ecb22e' },
  broom: { char: '⌫' },
};

/** Every shortcode node-emoji knows, by name, with Slack's own spellings added. */
export function emojiTable(): Record<string, string> {
  const table: Record<string, string> = {};
  for (const { name, emoji } of search('')) table[name] = emoji;
  return Object.assign(table, SLACK_ALIASES);
}
