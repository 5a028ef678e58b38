//! Least squares by Householder QR.
//!
//! For a design matrix `X` (n rows, p columns) and targets `y`, the coefficients `b` minimise
//! `|X b − y|²`. Forming the normal equations `XᵀX b = Xᵀy` squares the condition number of
//! `X` (lags of one series are strongly correlated); QR works on `X` itself: Householder
//! reflections turn `X` into `Q R` with `R` upper triangular, the same reflections applied to
//! `y` give `Qᵀy`, and `R b = (Qᵀy)[..p]` is solved by back substitution.
//!
//! **Singular systems.** A column that is (numerically) a combination of the columns before it
//! leaves a diagonal entry of `R` near zero (below `1e-10 ×` the largest). Its coefficient is
//! set to 0 and the column is left out of the back substitution: the fit is the least-squares
//! fit on the remaining columns (a constant predictor, a PV lag that is always 0 at night, …)
//! instead of a division by zero.

use alloc::vec::Vec;

/// Relative size below which a diagonal entry of `R` marks a dependent column.
const RANK_TOLERANCE: f64 = 1e-10;

/// The outcome of a least-squares fit.
#[derive(Clone, Debug, PartialEq)]
pub struct LeastSquares {
	/// One coefficient per column; 0 for columns left out as dependent.
	pub coefficients: Vec<f64>,
	/// How many columns were independent (the numerical rank of `X`).
	pub rank: usize,
}

/// Fits `y ≈ X b` by least squares. `x` holds `n` rows of `p` values each, row after row.
/// Returns `None` if the shapes do not match or there are fewer rows than columns.
pub fn least_squares(x: &[f64], y: &[f64], p: usize) -> Option<LeastSquares> {
	let n = y.len();
	if p == 0 || x.len() != n.checked_mul(p)? || n < p {
		return None;
	}
	// Column-major copy: the reflections work down columns.
	let mut a: Vec<f64> =
		(0..p).flat_map(|j| (0..n).map(move |i| (i, j))).map(|(i, j)| x[i * p + j]).collect();
	let mut qty = y.to_vec();
	let column = |j: usize| j * n;
	let mut diagonal = Vec::with_capacity(p);
	for k in 0..p {
		let start = column(k);
		let norm = libm::sqrt(a[start + k..start + n].iter().map(|v| v * v).sum::<f64>());
		if norm == 0.0 {
			diagonal.push(0.0);
			continue;
		}
		// v = x + sign(x0)·|x|·e0 (the sign avoids cancellation); R[k][k] = −sign(x0)·|x|.
		let alpha = if a[start + k] >= 0.0 { -norm } else { norm };
		a[start + k] -= alpha;
		let v_norm2: f64 = a[start + k..start + n].iter().map(|v| v * v).sum();
		if v_norm2 > 0.0 {
			for j in k + 1..p {
				let other = column(j);
				let dot: f64 = (k..n).map(|i| a[start + i] * a[other + i]).sum();
				let factor = 2.0 * dot / v_norm2;
				for i in k..n {
					a[other + i] -= factor * a[start + i];
				}
			}
			let dot: f64 = (k..n).map(|i| a[start + i] * qty[i]).sum();
			let factor = 2.0 * dot / v_norm2;
			for i in k..n {
				qty[i] -= factor * a[start + i];
			}
		}
		diagonal.push(alpha);
	}
	let largest = diagonal.iter().fold(0.0f64, |m, d| m.max(libm::fabs(*d)));
	let independent: Vec<bool> = diagonal
		.iter()
		.map(|d| largest > 0.0 && libm::fabs(*d) > RANK_TOLERANCE * largest)
		.collect();
	// Back substitution on R b = Qᵀy over the independent columns.
	let mut coefficients = alloc::vec![0.0; p];
	for k in (0..p).rev() {
		if !independent[k] {
			continue;
		}
		let mut sum = qty[k];
		for j in k + 1..p {
			if independent[j] {
				sum -= a[column(j) + k] * coefficients[j];
			}
		}
		coefficients[k] = sum / diagonal[k];
	}
	let rank = independent.iter().filter(|i| **i).count();
	Some(LeastSquares { coefficients, rank })
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn an_exact_line_is_recovered() {
		// y = 2 + 3x.
		let xs = [0.0, 1.0, 2.0, 3.0, 4.0];
		let x: Vec<f64> = xs.iter().flat_map(|v| [1.0, *v]).collect();
		let y: Vec<f64> = xs.iter().map(|v| 2.0 + 3.0 * v).collect();
		let fit = least_squares(&x, &y, 2).expect("fits");
		assert!((fit.coefficients[0] - 2.0).abs() < 1e-12);
		assert!((fit.coefficients[1] - 3.0).abs() < 1e-12);
		assert_eq!(fit.rank, 2);
	}

	#[test]
	fn a_noisy_fit_matches_the_normal_equations() {
		// y = 1 + 0.5x + noise; the slope from the textbook formula.
		let xs: Vec<f64> = (0..20).map(f64::from).collect();
		let noise = [
			0.1, -0.2, 0.05, 0.0, 0.3, -0.1, -0.05, 0.2, -0.3, 0.1, 0.0, 0.15, -0.15, 0.05, -0.05,
			0.2, -0.2, 0.1, 0.0, -0.1,
		];
		let y: Vec<f64> = xs.iter().zip(noise).map(|(x, e)| 1.0 + 0.5 * x + e).collect();
		let x: Vec<f64> = xs.iter().flat_map(|v| [1.0, *v]).collect();
		let fit = least_squares(&x, &y, 2).expect("fits");
		let n = xs.len() as f64;
		let (mx, my) = (xs.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
		let sxy: f64 = xs.iter().zip(&y).map(|(x, y)| (x - mx) * (y - my)).sum();
		let sxx: f64 = xs.iter().map(|x| (x - mx) * (x - mx)).sum();
		assert!((fit.coefficients[1] - sxy / sxx).abs() < 1e-12);
		assert!((fit.coefficients[0] - (my - sxy / sxx * mx)).abs() < 1e-12);
	}

	#[test]
	fn a_dependent_column_gets_zero_instead_of_a_division_by_zero() {
		// The third column is twice the second.
		let xs = [0.0, 1.0, 2.0, 3.0];
		let x: Vec<f64> = xs.iter().flat_map(|v| [1.0, *v, 2.0 * v]).collect();
		let y: Vec<f64> = xs.iter().map(|v| 1.0 + v).collect();
		let fit = least_squares(&x, &y, 3).expect("fits");
		assert_eq!(fit.rank, 2);
		assert_eq!(fit.coefficients[2], 0.0);
		assert!((fit.coefficients[1] - 1.0).abs() < 1e-12);
		// A column of zeros (PV at night) is left out too.
		let x: Vec<f64> = xs.iter().flat_map(|v| [1.0, *v, 0.0]).collect();
		assert_eq!(least_squares(&x, &y, 3).expect("fits").rank, 2);
	}

	#[test]
	fn shapes_that_cannot_be_fitted_are_refused() {
		assert_eq!(least_squares(&[1.0, 2.0], &[1.0], 3), None);
		assert_eq!(least_squares(&[1.0, 2.0], &[1.0, 2.0], 2), None);
		assert_eq!(least_squares(&[], &[], 0), None);
	}
}
