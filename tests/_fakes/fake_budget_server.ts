/** A hand-written balance endpoint on 127.0.0.1, port 0, whose answer tests switch at will. */

/** What the endpoint answers next. */
export type BudgetReply =
  | { json: unknown }
  | { status: number }
  | { garbage: string }
  /** Never answers (until the client gives up or the server closes). */
  | { hang: true };

/** A running fake endpoint. */
export interface FakeBudgetServer extends AsyncDisposable {
  url: string;
  reply: BudgetReply;
  /** The Authorization header of every request, in order. */
  authorizations: (string | null)[];
}

/** Starts the fake on 127.0.0.1 with an ephemeral port; use with `await using`. */
export function startFakeBudgetServer(reply: BudgetReply): FakeBudgetServer {
  const closing = Promise.withResolvers<void>();
  const state: FakeBudgetServer = {
    url: "",
    reply,
    authorizations: [],
    async [Symbol.asyncDispose]() {
      closing.resolve();
      await server.shutdown();
    },
  };
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => {
      state.authorizations.push(req.headers.get("authorization"));
      const r = state.reply;
      if ("hang" in r) {
        const aborted = new Promise<void>((resolve) =>
          req.signal.addEventListener("abort", () => resolve(), { once: true })
        );
        await Promise.race([aborted, closing.promise]);
        return new Response("late", { status: 503 });
      }
      if ("status" in r) return new Response("upstream exploded", { status: r.status });
      if ("garbage" in r) return new Response(r.garbage, { status: 200 });
      return Response.json(r.json);
    },
  );
  state.url = `http://127.0.0.1:${server.addr.port}/api/backend/users/info`;
  return state;
}
