//! Connection limits, so slow or silent clients cannot hold the server's connections: a connection that moves no byte either way for [`Limits::idle`]
//! is closed, and a request (its body included) must be answered within [`Limits::request`], else
//! 408. A slow client can then hold a connection only while it keeps sending.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{Instant, Sleep};

/// How long a connection may stay silent (no byte read or written) before it is closed: idle
/// keep-alive connections and stalled headers alike. Longer than [`REQUEST`], so a request being
/// handled is never cut by it.
pub const IDLE: Duration = Duration::from_secs(60);
/// How long reading a request's body and answering it may take.
pub const REQUEST: Duration = Duration::from_secs(30);

/// The limits in force ([`IDLE`] and [`REQUEST`] unless tests shorten them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Silence after which a connection closes.
    pub idle: Duration,
    /// Time to read a request's body and answer it.
    pub request: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            idle: IDLE,
            request: REQUEST,
        }
    }
}

/// A listener whose connections close after [`IDLE`] without progress.
#[derive(Debug)]
pub struct IdleLimited {
    inner: TcpListener,
    idle: Duration,
}

impl IdleLimited {
    /// Wraps a bound listener.
    pub fn new(inner: TcpListener, idle: Duration) -> Self {
        IdleLimited { inner, idle }
    }
}

impl axum::serve::Listener for IdleLimited {
    type Io = IdleStream;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (stream, addr) = axum::serve::Listener::accept(&mut self.inner).await;
        (IdleStream::new(stream, self.idle), addr)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// A TCP stream that fails with `TimedOut` once no byte has moved for its idle time.
#[derive(Debug)]
pub struct IdleStream {
    inner: TcpStream,
    idle: Duration,
    deadline: Pin<Box<Sleep>>,
}

impl IdleStream {
    fn new(inner: TcpStream, idle: Duration) -> Self {
        IdleStream {
            inner,
            idle,
            deadline: Box::pin(tokio::time::sleep(idle)),
        }
    }

    /// After progress: the silence starts again.
    fn progressed(&mut self) {
        let next = Instant::now() + self.idle;
        self.deadline.as_mut().reset(next);
    }

    /// While waiting: whether the silence has lasted too long.
    fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        self.deadline.as_mut().poll(cx).is_ready()
    }

    fn poll_io<T>(
        &mut self,
        cx: &mut Context<'_>,
        poll: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        match poll {
            Poll::Ready(result) => {
                self.progressed();
                Poll::Ready(result)
            }
            Poll::Pending if self.expired(cx) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the connection was idle too long",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for IdleStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_read(cx, buf);
        this.poll_io(cx, poll)
    }
}

impl AsyncWrite for IdleStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.poll_io(cx, poll)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// Answers 408 when reading the body and handling a request takes longer than [`Limits::request`].
pub async fn request_deadline(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    request: Request,
    next: Next,
) -> Response {
    let limit = state.limits.request;
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => (
            StatusCode::REQUEST_TIMEOUT,
            crate::html::message_page(
                "Request Timeout",
                None,
                &format!(
                    "The request took longer than {} s to send and answer.",
                    limit.as_secs()
                ),
            ),
        )
            .into_response(),
    }
}
