//! Runtime tests: the pallets composed as the chain runs them.

mod governance;
mod peering;
mod validators;
