//! Runtime API of the flexibility market, for clients: the DSO's open requests, each meter's
//! baseline, commitment and metering so far.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet_flexibility::{CommitmentView, MeterView, RequestId, RequestView, SlotMetering};

sp_api::decl_runtime_apis! {
	/// What a client needs to follow flexibility requests.
	pub trait FlexibilityApi<AccountId> where AccountId: codec::Codec {
		/// Every open request (posted, not yet settled or cancelled), by id.
		fn open_requests() -> alloc::vec::Vec<RequestView<AccountId>>;
		/// Open request `id`, if there is one.
		fn request(id: RequestId) -> Option<RequestView<AccountId>>;
	}
}
