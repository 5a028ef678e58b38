// The dashboard: connects to a node (the URL from `?rpc=`, the last one used, or
// ws://127.0.0.1:9944) and keeps the visible view up to date as blocks arrive.

import './style.css';
import { Chain } from './chain';
import { CommunityView } from './community';
import { FlexibilityView } from './flexibility';
import { GridView } from './grid';
import { MarketView } from './market';
import { MemberView } from './member';

const DEFAULT_RPC = 'ws://127.0.0.1:9944';

type ViewName = 'market' | 'community' | 'member' | 'flexibility' | 'grid';

function chosenUrl(): string {
  return new URLSearchParams(location.search).get('rpc') ?? localStorage.getItem('rpc') ?? DEFAULT_RPC;
}

function setStatus(text: string, kind: 'ok' | 'error' | 'busy'): void {
  const status = document.querySelector<HTMLElement>('#chain-status')!;
  status.textContent = text;
  status.className = `status ${kind}`;
}

async function start(url: string): Promise<void> {
  setStatus(`connecting to ${url}…`, 'busy');
  let chain: Chain;
  try {
    chain = await Chain.connect(url);
  } catch (e) {
    setStatus(`cannot connect to ${url}: ${(e as Error).message}`, 'error');
    return;
  }
  localStorage.setItem('rpc', url);
  const chainName = (await chain.api.rpc.system.chain()).toString();
  const market = new MarketView(document.querySelector('#view-market')!, chain);
  const community = new CommunityView(document.querySelector('#view-community')!, chain);
  const member = new MemberView(document.querySelector('#view-member')!, chain, () => market.openSlots());
  const flexibility = new FlexibilityView(document.querySelector('#view-flexibility')!, chain, () => member.current());
  const grid = new GridView(document.querySelector('#view-grid')!, chain, () => member.current());
  let active: ViewName = 'market';
  let busy = false;
  const refresh = async () => {
    if (busy) return; // a slow refresh is not queued behind itself; the next block starts a new one
    busy = true;
    try {
      await market.refresh(); // the other views use its open slots
      if (active === 'community') await community.refresh();
      if (active === 'member') await member.refresh();
      if (active === 'flexibility') await flexibility.refresh();
      if (active === 'grid') await grid.refresh();
      setStatus(`${chainName} · block #${chain.best} · slot ${chain.currentSlot}`, 'ok');
      document.body.dataset.block = String(chain.best);
    } catch (e) {
      setStatus(`error reading the chain: ${(e as Error).message}`, 'error');
    } finally {
      busy = false;
    }
  };
  document.querySelectorAll<HTMLButtonElement>('nav button').forEach((button) =>
    button.addEventListener('click', () => {
      active = button.dataset.view as ViewName;
      document.querySelectorAll('nav button').forEach((b) => b.classList.toggle('active', b === button));
      document.querySelectorAll<HTMLElement>('main > section').forEach((s) => (s.hidden = s.id !== `view-${active}`));
      const views: Partial<Record<ViewName, () => Promise<void>>> = {
        community: () => community.refresh(true),
        member: () => member.refresh(true),
        flexibility: () => flexibility.refresh(),
        grid: () => grid.refresh(),
      };
      void (views[active] ?? refresh)();
    }),
  );
  await member.init();
  chain.onBlock(() => void refresh());
  await refresh();
}

const input = document.querySelector<HTMLInputElement>('#rpc-url')!;
input.value = chosenUrl();
document.querySelector('#connect')!.addEventListener('submit', (e) => {
  e.preventDefault();
  const url = new URL(location.href);
  url.searchParams.set('rpc', input.value.trim());
  location.href = url.toString(); // a clean page per node: no state of the previous chain survives
});
void start(input.value);
