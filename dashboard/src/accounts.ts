// The accounts a member can act with: the well-known dev accounts on development and local
// chains, and the accounts of a browser extension (polkadot.js, Talisman, SubWallet) anywhere.

import { Keyring } from '@polkadot/api';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { Signer } from '@polkadot/api/types';
import { cryptoWaitReady } from '@polkadot/util-crypto';

/// An account to show and sign with: a local dev key pair, or an extension's signer.
export interface Account {
  name: string;
  address: string;
  pair?: KeyringPair;
  signer?: Signer;
}

const DEV_NAMES = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie', 'One', 'Dso', 'Utility'];

/// The dev accounts (`//Alice` …), for development chains only.
export async function devAccounts(ss58: number): Promise<Account[]> {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: ss58 });
  return DEV_NAMES.map((name) => {
    const pair = keyring.addFromUri(`//${name}`, { name });
    return { name, address: pair.address, pair };
  });
}

/// The accounts a browser extension grants this page (asks the user the first time).
export async function extensionAccounts(ss58: number): Promise<Account[]> {
  const { web3Enable, web3Accounts, web3FromAddress } = await import('@polkadot/extension-dapp');
  const extensions = await web3Enable('Community energy dashboard');
  if (extensions.length === 0) throw new Error('no browser extension granted access (install polkadot.js, Talisman or SubWallet)');
  const accounts = await web3Accounts({ ss58Format: ss58 });
  return Promise.all(
    accounts.map(async (a) => ({
      name: `${a.meta.name ?? 'account'} (${a.meta.source})`,
      address: a.address,
      signer: (await web3FromAddress(a.address)).signer,
    })),
  );
}
