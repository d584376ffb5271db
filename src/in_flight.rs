//! Batches of posts converted on the worker pool while the calling thread reports earlier ones.
//!
//! The reporter writes to the run's stdout and stderr, which only the calling thread holds, and
//! posts must be reported in path order. Converting a batch and then reporting it left the pool
//! idle while the reporter wrote (and the walk found the next batch): on 2 cores `-j 2` was
//! only 1.6× `-j 1`. Here a batch is handed to the pool as a job of a rayon scope and its
//! results come back over a channel of its own; the caller keeps a few batches in flight and
//! takes their results oldest first, so the order is the walk's whatever thread finishes first.

/// Batches handed to the pool and not yet reported, oldest first: at most [`IN_FLIGHT`], so
/// memory stays bounded by a few batches while the reporter works beside the conversions.
pub struct InFlight<T> {
    waiting: std::collections::VecDeque<std::sync::mpsc::Receiver<Vec<T>>>,
}

/// Batches converting (or converted, waiting to be reported) at once.
const IN_FLIGHT: usize = 2;

impl<T: Send> InFlight<T> {
    pub fn new() -> Self {
        InFlight {
            waiting: std::collections::VecDeque::new(),
        }
    }

    /// Start converting a batch; when that makes too many, the oldest batch's results (waited
    /// for), to be reported now.
    pub fn submit<'scope, F>(&mut self, scope: &rayon::Scope<'scope>, job: F) -> Option<Vec<T>>
    where
        F: FnOnce() -> Vec<T> + Send + 'scope,
        T: 'scope,
    {
        let (send, receive) = std::sync::mpsc::sync_channel(1);
        scope.spawn(move |_| {
            // Nobody listens only when reporting failed: the run is ending.
            let _ = send.send(job());
        });
        self.waiting.push_back(receive);
        if self.waiting.len() > IN_FLIGHT {
            self.next()
        } else {
            None
        }
    }

    /// The oldest batch's results, waited for; `None` when none is waiting.
    pub fn next(&mut self) -> Option<Vec<T>> {
        let receive = self.waiting.pop_front()?;
        // A job that panicked drops its sender; the scope re-raises the panic when it ends.
        receive.recv().ok()
    }
}

impl<T: Send> Default for InFlight<T> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_submission_order_with_a_bounded_queue() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let mut got = Vec::new();
        pool.in_place_scope(|scope| {
            let mut queue = InFlight::new();
            for batch in 0..20u64 {
                // Later batches finish first: order must not follow completion.
                let ready = queue.submit(scope, move || {
                    std::thread::sleep(std::time::Duration::from_millis(20 - batch));
                    vec![batch]
                });
                assert!(queue.waiting.len() <= IN_FLIGHT);
                got.extend(ready.into_iter().flatten());
            }
            while let Some(results) = queue.next() {
                got.extend(results);
            }
        });
        assert_eq!(got, (0..20).collect::<Vec<_>>());
    }
}
