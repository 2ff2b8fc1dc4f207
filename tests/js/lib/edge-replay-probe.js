// A workerd worker for tests/js/edge-worker.test.mjs: talks to the edge worker's
// ReplayDurableObject (examples/edge-worker/replay-store.js) through the same REPLAY binding,
// to see what the token endpoint cannot show: that expired records are deleted by the alarm
// and live ones are kept.
//   GET /sweep?wait=<ms> → { first, replay, other, sizeBefore, sizeAfter, otherAfter }
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === '/health') return new Response('ok');
    if (url.pathname !== '/sweep') return new Response('not found', { status: 404 });
    const waitMs = Number(url.searchParams.get('wait') ?? 1500);
    // Its own object name: the edge worker's shards are idjag-replay-<n>.
    const stub = env.REPLAY.get(env.REPLAY.idFromName(`probe-${crypto.randomUUID()}`));
    const short = `${'a'.repeat(22)}.${'s'.repeat(43)}`;
    const long = `${'a'.repeat(22)}.${'l'.repeat(43)}`;
    const first = await stub.consume(short, Date.now() + 300);
    const replay = await stub.consume(short, Date.now() + 300);
    const other = await stub.consume(long, Date.now() + 120_000);
    const sizeBefore = await stub.size();
    await new Promise((ok) => setTimeout(ok, waitMs));
    const sizeAfter = await stub.size();
    const otherAfter = await stub.consume(long, Date.now() + 120_000);
    let badKey = null;
    try {
      await stub.consume('not a replay key', Date.now() + 1000);
    } catch (e) {
      badKey = String(e?.message ?? e);
    }
    return Response.json({ first, replay, other, sizeBefore, sizeAfter, otherAfter, badKey });
  },
};
