// A network link of a set rate between the benchmark and a client, for fetches that
// should be bound by the network, as on a runner, instead of by loopback's memory copies:
// a network namespace joined to this one by a veth pair, each end's egress shaped by the
// kernel's token bucket (tc tbf), so the shaping costs neither side CPU. Needs root and
// iproute2. Round trips come from a latency proxy listening on this side's address.
import { runOk } from '../test/env/proc.js';
import type { Bench } from './harness.js';

export interface ShapedLink {
  /** This side's address, which clients in the namespace reach over the link. */
  hostAddress: string;
  /** Prepended to a command to run it in the namespace, on the far side of the link. */
  prefix: string[];
  /** Sets both directions to `mbit` megabits per second. */
  setRate(mbit: number): Promise<void>;
}

export async function startShapedLink(bench: Bench): Promise<ShapedLink> {
  if (process.getuid?.() !== 0) throw new Error('the shaped link needs root (ip netns, tc); set BENCH_LINKS=none to leave it out');
  // Names and subnet from the pid, so two benchmarks side by side do not collide.
  const id = process.pid % 100_000;
  const namespace = `ilb${id}`;
  const [hostEnd, farEnd] = [`ilb${id}h`, `ilb${id}n`];
  // A /30 per id: its 17 bits spread over the last three octets.
  const subnet = `10.${200 + (id >> 14)}.${(id >> 6) & 255}`;
  const hostAddress = `${subnet}.${(id & 63) * 4 + 1}`;
  const farAddress = `${subnet}.${(id & 63) * 4 + 2}`;
  const inNamespace = ['ip', 'netns', 'exec', namespace];
  // Only the network namespace: `ip netns exec` also gives the command its own /sys,
  // without the cgroup mounts a Docker daemon needs.
  const prefix = ['nsenter', `--net=/run/netns/${namespace}`];
  const ip = (...args: string[]) => runOk('ip', args);
  const far = (...args: string[]) => runOk(inNamespace[0], [...inNamespace.slice(1), ...args]);

  await ip('netns', 'add', namespace);
  // Deleting the namespace deletes its end of the pair, and with it this one.
  bench.defer(() => ip('netns', 'del', namespace));
  await ip('link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', farEnd);
  await ip('link', 'set', farEnd, 'netns', namespace);
  await ip('addr', 'add', `${hostAddress}/30`, 'dev', hostEnd);
  await ip('link', 'set', hostEnd, 'up');
  await far('ip', 'addr', 'add', `${farAddress}/30`, 'dev', farEnd);
  await far('ip', 'link', 'set', farEnd, 'up');
  await far('ip', 'link', 'set', 'lo', 'up');

  return {
    hostAddress,
    prefix,
    setRate: async (mbit) => {
      // The bucket must hold a whole segment: veth passes 64 KiB GSO packets.
      const shape = ['root', 'tbf', 'rate', `${mbit}mbit`, 'burst', '1mb', 'latency', '100ms'];
      await runOk('tc', ['qdisc', 'replace', 'dev', hostEnd, ...shape]);
      await far('tc', 'qdisc', 'replace', 'dev', farEnd, ...shape);
    }
  };
}
