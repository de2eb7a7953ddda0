//! The file handed to the browser: assembled as Blobs while it is written, then downloaded
//! through a temporary link.

use wasm_bindgen::JsCast;

/// Why a finished file could not be handed to the browser (the browser's own words kept).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("part of the file could not be kept in memory ({0})")]
    Memory(String),
    #[error("the browser refused the file ({0})")]
    Refused(String),
}

fn js(e: wasm_bindgen::JsValue) -> String {
    format!("{e:?}")
}

/// The file being written, handed to the browser as it grows: rows are written into wasm
/// memory and every 16 MB become a Blob read straight out of it (inside the export's
/// time-budgeted steps), so the bytes are copied once and finishing a million-row file is one
/// cheap Blob of Blobs.
/// Measured in Chromium 156: each Blob costs a few ms beyond its bytes, so 17.6 MB took 46 ms
/// as Blobs of 350 KB, about 22 ms as Blobs of 4 MB and 15 ms as Blobs of 16 MB.
pub struct FileParts {
    blobs: js_sys::Array,
    pending: Vec<u8>,
    /// The file's expected size, to size the buffer once.
    expected: usize,
    /// Why a part could not be kept: the file would miss rows, so it is not saved.
    failed: Option<String>,
}

impl FileParts {
    const BLOB_BYTES: usize = 16 << 20;
    /// Room for what one step writes past a full part: 2,000 demo rows are about 360 KB, an
    /// API page of 1,000 entries with long error texts can be more.
    const STEP_BYTES: usize = 1 << 20;

    pub fn new(rows: usize) -> Self {
        FileParts {
            blobs: js_sys::Array::new(),
            pending: Vec::new(),
            // Rows are about 180 bytes.
            expected: rows.saturating_mul(200),
            failed: None,
        }
    }

    /// Lets `write` append to the part being filled; seals the part once it is full.
    pub fn write(&mut self, write: impl FnOnce(&mut Vec<u8>)) {
        if self.pending.capacity() == 0 {
            // Once per export: room for a part and a step that completes it (for a small
            // file, for the file). A step that writes more makes the buffer grow.
            self.pending
                .reserve(self.expected.min(Self::BLOB_BYTES) + self.expected.min(Self::STEP_BYTES));
        }
        write(&mut self.pending);
        if self.pending.len() >= Self::BLOB_BYTES {
            self.seal();
        }
    }

    fn seal(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let parts = js_sys::Array::new();
        // SAFETY: the view is only read by the Blob constructor, which copies it before
        // anything runs that could allocate in (and so move) wasm memory; it is dropped at once.
        let view = unsafe { js_sys::Uint8Array::view(&self.pending) };
        parts.push(&view);
        match web_sys::Blob::new_with_u8_array_sequence(&parts) {
            Ok(b) => {
                self.blobs.push(&b);
            }
            Err(e) if self.failed.is_none() => self.failed = Some(js(e)),
            Err(_) => {}
        }
        self.pending.clear();
    }

    fn finish(mut self) -> Result<web_sys::Blob, FileError> {
        self.seal();
        if let Some(e) = self.failed {
            return Err(FileError::Memory(e));
        }
        let opts = web_sys::BlobPropertyBag::new();
        opts.set_type("text/csv;charset=utf-8");
        web_sys::Blob::new_with_blob_sequence_and_options(&self.blobs, &opts)
            .map_err(|e| FileError::Memory(js(e)))
    }

    /// Saves the finished file through a Blob and a temporary link.
    pub fn save(self, filename: &str) -> Result<(), FileError> {
        let blob = self.finish()?;
        crate::perf::mark("csv-ready");
        let url = web_sys::Url::create_object_url_with_blob(&blob)
            .map_err(|e| FileError::Refused(js(e)))?;
        let document = leptos::prelude::document();
        let a: web_sys::HtmlAnchorElement = document
            .create_element("a")
            .map_err(|e| FileError::Refused(js(e)))?
            .unchecked_into();
        a.set_href(&url);
        a.set_download(filename);
        a.set_class_name("sr-hidden");
        let body = document
            .body()
            .ok_or_else(|| FileError::Refused("the page has no body".into()))?;
        let _ = body.append_child(&a);
        a.click();
        let _ = body.remove_child(&a);
        // Revoke later: revoking at once can cancel the download in some browsers.
        leptos::prelude::set_timeout(
            move || {
                let _ = web_sys::Url::revoke_object_url(&url);
            },
            std::time::Duration::from_secs(60),
        );
        Ok(())
    }
}
