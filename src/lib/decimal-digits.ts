const ZERO = 48;

/**
 * Writes a non-negative safe integer's decimal digits into `buf` at `at` (room for 16 bytes
 * there is the caller's) and returns the position after them. Values below 2^31 (nearly all
 * a commission run writes) go in 32-bit arithmetic: dividing doubles took twice as long.
 */
export function writeDigits(buf: Uint8Array, at: number, v: number): number {
  let digits = 1;
  if (v < 2 ** 31) {
    let u = v | 0;
    for (let t = u; t >= 10; t = (t / 10) | 0) digits++;
    for (let q = at + digits - 1; q >= at; q--) {
      const next = (u / 10) | 0;
      buf[q] = ZERO + u - next * 10;
      u = next;
    }
  } else {
    for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
    for (let q = at + digits - 1; q >= at; q--) {
      buf[q] = ZERO + (v % 10);
      v = Math.floor(v / 10);
    }
  }
  return at + digits;
}
