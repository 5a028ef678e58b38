//! Multiple linear regression for meter forecasts, as pure `no_std` functions.
//!
//! A model is `y(t) = a0 + a1 x1(t) + … + am xm(t)`: the predictors `xi` come from the meter's
//! own hourly history (lags such as `y(t-1)`, `y(t-24)`, `y(t-168)`) and from the calendar
//! (hour of day, working day or weekend). [`fit`] estimates the coefficients by least squares
//! with a Householder QR decomposition ([`least_squares`]); [`Model::predict`] forecasts the
//! next hour. The same code runs in the chain's off-chain worker, in the scoring tool and in
//! the tests.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod hourly;
mod least_squares;
mod model;
mod predictors;

pub use hourly::{errors, fit_best, fit_per_hour, forecast_next, full_spec, Forecaster};
pub use least_squares::{least_squares, LeastSquares};
pub use model::{fit, min_history, usable, FitError, Model};
pub use predictors::{Calendar, Predictor, Spec};
