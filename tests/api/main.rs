//! Black-box tests of the service: the real server over HTTP, a fresh database each.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod accounts;
mod backup;
mod calendar;
mod check;
mod clock;
mod documents;
mod edge;
mod errors;
mod limits;
mod notify;
mod notify_process;
mod notify_receiver;
mod object_storage;
mod openapi;
mod parsing;
mod probes;
mod process;
mod queue_scale;
mod replicas;
mod rules;
mod safe_start;
mod shutdown;
mod startup;
mod states;
mod stats;
mod storage;
mod terms;
mod uploads;
mod workflow;
