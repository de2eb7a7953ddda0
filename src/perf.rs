//! User Timing marks (`performance.mark`), for the browser's profiler and the benchmark
//! harness (`scripts/bench.sh`), which reads them to time what users wait for. Names start with
//! `sync-report:`; natively (tests, the reference server) they do nothing.

/// Marks `sync-report:{name}` now.
pub fn mark(name: &str) {
    #[cfg(target_arch = "wasm32")]
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(&format!("sync-report:{name}"));
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = name;
}

/// Marks `sync-report:{name}` once what was just rendered has been painted: the browser paints
/// after the next animation frame's callbacks, so a task queued from that frame runs after it.
pub fn mark_after_paint(name: &'static str) {
    #[cfg(target_arch = "wasm32")]
    wasm_bindgen_futures::spawn_local(async move {
        after_paint().await;
        mark(name);
    });
    #[cfg(not(target_arch = "wasm32"))]
    let _ = name;
}

/// Resolves once the browser has painted the next frame (natively, at once). Work that can wait
/// (the summary strip) awaits it so the table's rows paint first.
pub async fn after_paint() {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::prelude::*;
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            let after_frame = Closure::once_into_js(move || {
                if let Some(w) = web_sys::window() {
                    let _ = w.set_timeout_with_callback(resolve.unchecked_ref());
                }
            });
            if let Some(w) = web_sys::window() {
                let _ = w.request_animation_frame(after_frame.unchecked_ref());
            }
        });
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
}

/// Gives the browser a turn (input, rendering) and resumes at once after it: a message task,
/// which unlike `setTimeout(0)` is not clamped to 4 ms when nested. Natively, returns at once.
pub async fn yield_now() {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::prelude::*;
        let Ok(channel) = web_sys::MessageChannel::new() else {
            gloo_timers::future::TimeoutFuture::new(0).await;
            return;
        };
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            channel.port1().set_onmessage(Some(resolve.unchecked_ref()));
            let _ = channel.port2().post_message(&JsValue::NULL);
        });
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        // The channel lives until here: its port cannot be collected with a message pending.
        channel.port1().set_onmessage(None);
    }
}

/// Milliseconds on a monotonic clock (for time budgets); natively, since the first call.
pub fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| w.performance())
            .map_or_else(js_sys::Date::now, |p| p.now())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        use std::sync::OnceLock;
        static START: OnceLock<std::time::Instant> = OnceLock::new();
        START
            .get_or_init(std::time::Instant::now)
            .elapsed()
            .as_secs_f64()
            * 1000.0
    }
}
