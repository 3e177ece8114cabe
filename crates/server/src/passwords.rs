//! The password step: Argon2id off the async runtime and under a concurrency cap, throttled per login
//! with the attempt reserved before it is checked, and with the same work and the same answers for
//! unknown logins so that neither a login's existence nor its lock can be probed.

use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit, oneshot};
use zeroize::Zeroizing;

use crate::AppState;
use crate::attempts;
use crate::attempts::{Attempt, Counter};
use crate::crypto;
use crate::error::Error;
use crate::throttle;
use crate::users::{self, User};

/// The one message for a wrong login or password.
pub const WRONG: &str = "Wrong login or password.";
/// The longest password accepted for checking: [`users::check_password`] never stores a longer one,
/// so a longer one is refused before any hashing work.
pub const MAX_PASSWORD_CHARS: usize = users::MAX_PASSWORD_CHARS;

/// Argon2id under a concurrency cap, so a burst of logins cannot take the server's memory: each hash takes 19 MiB and a core, so a fixed set of
/// hashing threads, one per core, does all the work, each reusing one work area; a request waits for
/// a turn at most [`Hashers::QUEUE_WAIT`], then gets 503 with `Retry-After`. Memory and threads stay
/// bounded under any burst.
#[derive(Debug)]
pub struct Hashers {
    permits: Semaphore,
    wait: Duration,
    jobs: Mutex<mpsc::Sender<Job>>,
}

/// Work for a hashing thread.
enum Job {
    Verify {
        password: Zeroizing<String>,
        phc: String,
        reply: oneshot::Sender<bool>,
    },
    Hash {
        password: Zeroizing<String>,
        reply: oneshot::Sender<anyhow::Result<String>>,
    },
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Job::Verify { .. } => "Job::Verify(…)",
            Job::Hash { .. } => "Job::Hash(…)",
        })
    }
}

impl Default for Hashers {
    fn default() -> Self {
        Hashers::new(
            std::thread::available_parallelism().map_or(1, usize::from),
            Self::QUEUE_WAIT,
        )
    }
}

impl Hashers {
    /// How long a request waits for a free hasher before it is answered 503.
    pub const QUEUE_WAIT: Duration = Duration::from_secs(3);
    /// The `Retry-After` of that 503, seconds.
    pub const RETRY_AFTER: i64 = 1;

    /// `concurrent` hashing threads (at least one); a request waits at most `wait` for a turn. The
    /// threads end when the `Hashers` is dropped.
    pub fn new(concurrent: usize, wait: Duration) -> Self {
        let concurrent = concurrent.max(1);
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..concurrent {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || hashing_thread(&queue));
            if let Err(e) = spawned {
                eprintln!("authbar-server: cannot start a hashing thread: {e}");
            }
        }
        Hashers {
            permits: Semaphore::new(concurrent),
            wait,
            jobs: Mutex::new(jobs),
        }
    }

    /// A turn to hash, or 503.
    pub async fn turn(&self) -> Result<SemaphorePermit<'_>, Error> {
        match tokio::time::timeout(self.wait, self.permits.acquire()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(Error::Unavailable(Self::RETRY_AFTER)),
        }
    }

    fn send(&self, job: Job) -> Result<(), Error> {
        self.jobs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .send(job)
            .map_err(|_| Error::internal(anyhow::anyhow!("the hashing threads are gone")))
    }

    /// Checks a password against a PHC string on a hashing thread (the caller holds a turn).
    async fn verify_in_turn(&self, password: &str, phc: &str) -> Result<bool, Error> {
        let (reply, answer) = oneshot::channel();
        self.send(Job::Verify {
            password: Zeroizing::new(password.to_string()),
            phc: phc.to_string(),
            reply,
        })?;
        answer
            .await
            .map_err(|_| Error::internal(anyhow::anyhow!("a hashing thread stopped")))
    }

    /// Checks a password against a PHC string, in turn.
    pub async fn verify(&self, password: &str, phc: &str) -> Result<bool, Error> {
        let _turn = self.turn().await?;
        self.verify_in_turn(password, phc).await
    }

    /// Hashes a new password, in turn.
    pub async fn hash(&self, password: String) -> Result<String, Error> {
        let _turn = self.turn().await?;
        let (reply, answer) = oneshot::channel();
        self.send(Job::Hash {
            password: Zeroizing::new(password),
            reply,
        })?;
        answer
            .await
            .map_err(|_| Error::internal(anyhow::anyhow!("a hashing thread stopped")))?
            .map_err(Error::internal)
    }
}

/// One hashing thread: takes jobs until the [`Hashers`] is dropped, with one Argon2 work area for
/// its whole life.
fn hashing_thread(queue: &Mutex<mpsc::Receiver<Job>>) {
    let mut memory = Vec::new();
    loop {
        let job = match queue.lock().unwrap_or_else(|p| p.into_inner()).recv() {
            Ok(job) => job,
            Err(_) => return,
        };
        match job {
            Job::Verify {
                password,
                phc,
                reply,
            } => {
                let _ = reply.send(crypto::verify_password_in(&password, &phc, &mut memory));
            }
            Job::Hash { password, reply } => {
                let _ = reply.send(crypto::hash_password(&password));
            }
        }
    }
}

/// Checks login + password. `Ok(user)` when right; otherwise the error to show: 400 for a login or
/// password that cannot exist, 401 wrong, 429 wait (also for a locked password counter, which is
/// never checked), 423 when the password is right but the codes are locked, 503 when every hasher is
/// busy.
pub async fn check(state: &AppState, login: &str, password: &str) -> Result<User, Error> {
    users::check_login(login)?;
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(Error::BadRequest(format!(
            "a password has at most {MAX_PASSWORD_CHARS} characters"
        )));
    }
    let turn = state.hashers.turn().await?;
    let now = state.clock.now_secs() as i64;
    let lookup = login.to_string();
    let user = state
        .db
        .call(move |conn| users::find(conn, &lookup))
        .await?;
    let Some(user) = user else {
        // Counted in the database, like a real login's attempts, so every instance throttles it.
        let unknown = login.to_string();
        if let Some(wait) = state
            .db
            .call(move |conn| attempts::reserve_unknown(conn, &unknown, now))
            .await?
        {
            return Err(Error::TooMany(wait));
        }
        // Same work as for a real user.
        state
            .hashers
            .verify_in_turn(password, &state.dummy_hash)
            .await?;
        return Err(Error::Unauthorized(WRONG.into()));
    };
    let id = user.id;
    let failures = match state
        .db
        .call(move |conn| attempts::reserve_attempt(conn, id, Counter::Password, now))
        .await?
    {
        Attempt::Granted(n) => n,
        Attempt::Refused(gate) => {
            return Err(Error::TooMany(
                gate.outsider_wait().unwrap_or(throttle::MAX_BACKOFF_SECS),
            ));
        }
    };
    let right = state
        .hashers
        .verify_in_turn(password, &user.password_hash)
        .await?;
    drop(turn);
    if !right {
        let name = user.login.clone();
        state
            .db
            .call(move |conn| {
                attempts::record_failure(
                    conn,
                    id,
                    &name,
                    Counter::Password,
                    "password_failed",
                    failures,
                    now,
                )
            })
            .await?;
        return Err(Error::Unauthorized(WRONG.into()));
    }
    // The refund: a right password clears the count the reservation raised.
    state
        .db
        .call(move |conn| attempts::reset_failures(conn, id, Counter::Password))
        .await?;
    if user.has_2fa() && throttle::locked(user.otp_failures) {
        // Only someone who knows the password learns that the codes are locked.
        return Err(Error::Locked);
    }
    Ok(user)
}
