// The clock correction applied to the codes shown (clock.js measures it and lets the person apply
// it): the offset from this computer's clock, stored in the settings. Apart from clock.js so the first
// paint, whose codes already include it, loads none of the clock check.

let correction = null;       // {offsetMs, host} applied to the codes shown, or null

/** The milliseconds to add to this computer's clock for the codes shown (0 when not corrected). */
export function correctionMs() {
  return correction?.offsetMs ?? 0;
}

/** The correction in force, or null. */
export function current() {
  return correction;
}

/** Takes a correction (the stored one before the first code is computed, or a new one); marks the page. */
export function setCorrection(next) {
  correction = next ?? null;
  document.body.classList.toggle('corrected', correction !== null);
}
