//! Running core futures: blocking with the GIL released, or as asyncio awaitables.
//!
//! Both share the tokio runtime of `pyo3-async-runtimes`, so a process has
//! one runtime however many clients it creates.

use std::future::Future;
use std::sync::OnceLock;
use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::IntoPyObjectExt;
use tokio::runtime::Runtime;

/// How often a blocking call looks for signals (Ctrl-C) while it waits.
const SIGNAL_POLL: Duration = Duration::from_millis(100);

/// The process the runtime started in. Its threads do not survive `fork()`:
/// in a forked child every request would wait forever.
static RUNTIME_PID: OnceLock<u32> = OnceLock::new();

/// The process-wide runtime, unless this process was forked after using it.
pub fn runtime() -> PyResult<&'static Runtime> {
    let started_in = *RUNTIME_PID.get_or_init(std::process::id);
    if started_in != std::process::id() {
        return Err(PyRuntimeError::new_err(
            "ghpackages cannot be used in a process forked after it was used (its runtime \
             threads stayed in the parent); start such processes with multiprocessing's \
             spawn or forkserver method",
        ));
    }
    Ok(pyo3_async_runtimes::tokio::get_runtime())
}

/// Runs `future` to completion with the thread detached from Python, so
/// other threads run meanwhile. A pending KeyboardInterrupt (or any error a
/// signal handler raises) cancels the future and is raised instead.
pub fn wait<T, F>(py: Python<'_>, future: F) -> PyResult<T>
where
    F: Future<Output = PyResult<T>> + Send,
    T: Send,
{
    let runtime = runtime()?;
    py.detach(|| {
        runtime.block_on(async {
            tokio::pin!(future);
            loop {
                tokio::select! {
                    output = &mut future => return output,
                    () = tokio::time::sleep(SIGNAL_POLL) => {
                        Python::attach(|py| py.check_signals())?;
                    }
                }
            }
        })
    })
}

/// Runs `future` and returns its result as a Python object.
pub fn blocking<T, F>(py: Python<'_>, future: F) -> PyResult<Py<PyAny>>
where
    F: Future<Output = PyResult<T>> + Send,
    T: for<'py> IntoPyObject<'py> + Send,
{
    wait(py, future)?.into_py_any(py)
}

/// Wraps `future` in an asyncio awaitable bound to the running event loop.
pub fn awaitable<T, F>(py: Python<'_>, future: F) -> PyResult<Py<PyAny>>
where
    F: Future<Output = PyResult<T>> + Send + 'static,
    T: for<'py> IntoPyObject<'py> + Send + 'static,
{
    runtime()?;
    pyo3_async_runtimes::tokio::future_into_py(py, future).map(Bound::unbind)
}
