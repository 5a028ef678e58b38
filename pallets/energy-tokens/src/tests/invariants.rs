//! `try_state` finds Wh created, lost or numbered twice, and pieces that disagree with the
//! certificate's counters or the holdings.

use super::*;
use crate::{
	Certificates, Consumption, Holdings, MeteredConsumption, NextCertificateId, TotalFedIn,
};
use energy_primitives::EnergyMinter;
use frame_support::assert_ok;
use CertificateStatus::*;

fn set_pieces(who: u64, list: &[(Wh, Wh, CertificateStatus)]) {
	let pieces: Vec<Piece> = list
		.iter()
		.map(|&(start, end, status)| Piece { range: WhRange { start, end }, status })
		.collect();
	HolderPieces::<Test>::insert((who, 100, 7), crate::Pieces::try_from(pieces).expect("fits"));
}

#[test]
fn try_state_checks_conservation_per_certificate() {
	new_test_ext().execute_with(|| {
		assert_ok!(EnergyTokens::mint(&1, 7, 100, 1_000, CAP));
		assert_ok!(deliver(1, 2, 100, 7, 400));
		assert_ok!(EnergyTokens::do_try_state());
		let check = |what: &str| assert!(EnergyTokens::do_try_state().is_err(), "{what}");

		Holdings::<Test>::insert((3, 100, 7), 5);
		check("a holding without pieces");
		Holdings::<Test>::remove((3, 100, 7));
		Holdings::<Test>::insert((1, 100, 7), 599);
		check("a holding off its holder's active pieces");
		Holdings::<Test>::insert((1, 100, 7), 600);

		set_pieces(2, &[(0, 300, Active), (300, 400, Claimed)]);
		check("claimed Wh the certificate does not count");
		Holdings::<Test>::insert((2, 100, 7), 300);
		check("still: the counter says no Wh were claimed");
		Holdings::<Test>::insert((2, 100, 7), 400);
		// Every sum still matches, only the numbering is wrong.
		set_pieces(2, &[(100, 500, Active)]);
		check("Wh 400..500 numbered twice, 0..100 not at all");
		set_pieces(2, &[(0, 400, Active)]);
		assert_ok!(EnergyTokens::do_try_state());

		Certificates::<Test>::mutate(100, 7, |c| c.as_mut().expect("issued").fed_in_wh = 1);
		check("a counter off the pieces");
		Certificates::<Test>::mutate(100, 7, |c| c.as_mut().expect("issued").fed_in_wh = 0);
		NextCertificateId::<Test>::put(0);
		check("an id at or above the next one");
		NextCertificateId::<Test>::put(1);
		TotalFedIn::<Test>::put(1);
		check("totals off the certificates");
		TotalFedIn::<Test>::put(0);
		Consumption::<Test>::insert(2, 100, MeteredConsumption { consumed_wh: 1, claimed_wh: 2 });
		check("claims beyond metered consumption");
		Consumption::<Test>::insert(2, 100, MeteredConsumption { consumed_wh: 5, claimed_wh: 2 });
		check("claimed Wh of the slot that no piece says were claimed");
	});
}
