#![doc = include_str!("../README.md")]

pub mod chain;
pub mod community;
pub mod gateway;
pub mod keystore;
pub mod load;
pub mod queue;
pub mod reading;
pub mod replay;
pub mod runtime;
