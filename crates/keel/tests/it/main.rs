//! Black-box tests: the real binary, a real SQLite file, a real HTTP client and browser.

mod accounts;
mod api;
mod browser;
mod cache;
mod cli;
mod cycle;
mod data;
mod desk;
mod emergency;
mod hardening;
mod helpers;
mod journal;
mod learn;
mod metrics;
mod pages;
mod plan;
mod progress;
mod restart;
mod session;
mod two_servers;
