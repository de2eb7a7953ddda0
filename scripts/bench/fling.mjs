// The fling both the benchmark (run.mjs) and the profiler (profile.mjs) use: 120 frames by
// default, each at a new place across the whole table (the worst case: every frame draws new
// rows), resolving with the requestAnimationFrame intervals. A WebDriver async script:
// arguments are the scroller's selectors ("a|b": the first present) and the frame count.
export const FLING = `
  const [sel, frames, done] = arguments;
  // The first of the selectors present (AG Grid's scroller has had several names).
  const el = sel.split("|").map(s => document.querySelector(s)).find(Boolean);
  const times = [];
  let i = 0, last = performance.now();
  const span = el.scrollHeight - el.clientHeight;
  function step(t) {
    times.push(t - last); last = t;
    if (i++ >= frames) return done(times.slice(2));
    el.scrollTop = (i / frames) * span * 0.98 + (i % 2) * 137;
    requestAnimationFrame(step);
  }
  requestAnimationFrame(t => { last = t; requestAnimationFrame(step); });`;
