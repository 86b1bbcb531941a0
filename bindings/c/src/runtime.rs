//! The one process-wide tokio runtime every blocking call runs on.

use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex, MutexGuard};

use sdk::{Error, ErrorKind};
use tokio::runtime::Runtime;

/// Started on first use; `ghpackages_shutdown` takes it out so that its
/// threads are joined before the process exits.
static RUNTIME: Mutex<Option<Arc<Runtime>>> = Mutex::new(None);

fn slot() -> MutexGuard<'static, Option<Arc<Runtime>>> {
    // A panic never happens while the lock is held, but a poisoned lock
    // would still hold a valid runtime.
    RUNTIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The shared runtime, started when needed.
pub(crate) fn runtime() -> Result<Arc<Runtime>, Error> {
    let mut slot = slot();
    if let Some(runtime) = slot.as_ref() {
        return Ok(Arc::clone(runtime));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("ghpackages")
        .enable_all()
        .build()
        .map_err(|e| Error::new(ErrorKind::Other, format!("cannot start the runtime: {e}")))?;
    let runtime = Arc::new(runtime);
    *slot = Some(Arc::clone(&runtime));
    Ok(runtime)
}

/// Runs `future` to completion on the shared runtime, blocking this thread.
pub(crate) fn block_on<F: Future>(future: F) -> Result<F::Output, Error> {
    Ok(runtime()?.block_on(future))
}

/// Stops the library's runtime and joins its threads.
///
/// A program calls it once at exit, after freeing every client, so that a
/// leak checker sees no thread still holding memory. Calling it is optional;
/// calling it twice, or before any other call, does nothing.
///
/// Ownership: clients created before the call must be freed before it and
/// are not usable after it; a later call starts a new runtime.
///
/// Thread safety: must not run while other threads are inside a library
/// call (the runtime then stops when the last of those calls returns).
#[no_mangle]
pub extern "C" fn ghpackages_shutdown() {
    // Dropping the runtime joins its threads; nothing here can panic, but no
    // unwind may cross the boundary either way.
    let _ = panic::catch_unwind(AssertUnwindSafe(|| {
        let taken = slot().take();
        drop(taken);
    }));
}
