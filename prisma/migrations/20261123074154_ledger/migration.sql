-- CreateEnum
CREATE TYPE "LedgerTransactionKind" AS ENUM ('POSTED', 'PENDING', 'POST_PENDING', 'VOID_PENDING');

-- CreateTable
CREATE TABLE "ledger_account" (
    "id" SERIAL NOT NULL,
    "owner_id" INTEGER,
    "kind" TEXT NOT NULL,
    "unit" TEXT NOT NULL,
    "no_negative" BOOLEAN NOT NULL DEFAULT false,
    "posted" BIGINT NOT NULL DEFAULT 0,
    "pending_debits" BIGINT NOT NULL DEFAULT 0,
    "pending_credits" BIGINT NOT NULL DEFAULT 0,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ledger_transaction" (
    "id" BIGSERIAL NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "kind" "LedgerTransactionKind" NOT NULL,
    "pending_id" BIGINT,
    "reason" TEXT NOT NULL,
    "reference_type" TEXT,
    "reference_id" TEXT,
    "actor_id" INTEGER,
    "memo" TEXT,
    "timeout_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_transaction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ledger_posting" (
    "id" BIGSERIAL NOT NULL,
    "transaction_id" BIGINT NOT NULL,
    "account_id" INTEGER NOT NULL,
    "unit" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,
    "balance_after" BIGINT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_posting_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ledger_account_owner_id_idx" ON "ledger_account"("owner_id");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_transaction_idempotency_key_key" ON "ledger_transaction"("idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_transaction_pending_id_key" ON "ledger_transaction"("pending_id");

-- CreateIndex
CREATE INDEX "ledger_transaction_reference_type_reference_id_idx" ON "ledger_transaction"("reference_type", "reference_id");

-- CreateIndex
CREATE INDEX "ledger_transaction_created_at_idx" ON "ledger_transaction"("created_at");

-- CreateIndex
CREATE INDEX "ledger_posting_account_id_id_idx" ON "ledger_posting"("account_id", "id");

-- CreateIndex
CREATE INDEX "ledger_posting_transaction_id_idx" ON "ledger_posting"("transaction_id");

-- AddForeignKey
ALTER TABLE "ledger_account" ADD CONSTRAINT "ledger_account_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "member"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger_transaction" ADD CONSTRAINT "ledger_transaction_pending_id_fkey" FOREIGN KEY ("pending_id") REFERENCES "ledger_transaction"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger_posting" ADD CONSTRAINT "ledger_posting_transaction_id_fkey" FOREIGN KEY ("transaction_id") REFERENCES "ledger_transaction"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger_posting" ADD CONSTRAINT "ledger_posting_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "ledger_account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- One account per (owner, kind, unit); the company's accounts have no owner.
CREATE UNIQUE INDEX "ledger_account_owner_kind_unit" ON "ledger_account"(coalesce("owner_id", 0), "kind", "unit");
-- The guard against overdrafts: whatever the concurrency, a no-negative account's settled
-- balance less what is held never falls below zero. Pending sums are never negative.
ALTER TABLE "ledger_account" ADD CONSTRAINT "ledger_account_no_negative" CHECK (NOT "no_negative" OR "posted" - "pending_debits" >= 0);
ALTER TABLE "ledger_account" ADD CONSTRAINT "ledger_account_pending_sums" CHECK ("pending_debits" >= 0 AND "pending_credits" >= 0);
ALTER TABLE "ledger_posting" ADD CONSTRAINT "ledger_posting_amount_nonzero" CHECK ("amount" <> 0);
-- Resolutions name a pending transaction; nothing else does.
ALTER TABLE "ledger_transaction" ADD CONSTRAINT "ledger_transaction_resolution" CHECK (("pending_id" IS NOT NULL) = ("kind" IN ('POST_PENDING', 'VOID_PENDING')));

-- Transactions and postings are immutable: corrections are new transactions.
CREATE FUNCTION "ledger_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
CREATE TRIGGER "ledger_transaction_no_update" BEFORE UPDATE OR DELETE ON "ledger_transaction"
  FOR EACH ROW EXECUTE FUNCTION "ledger_append_only"();
CREATE TRIGGER "ledger_posting_no_update" BEFORE UPDATE OR DELETE ON "ledger_posting"
  FOR EACH ROW EXECUTE FUNCTION "ledger_append_only"();

-- One leg as ledger_post() moves it: settles (posted += amount) and/or holds (+1 adds the
-- leg to the pending sums, -1 takes it off again when its pending transaction resolves).
CREATE TYPE "ledger_leg" AS ("tx_id" bigint, "ord" bigint, "account_id" int, "amount" bigint, "settles" boolean, "hold" int);

-- Posts a batch of transactions in one call, all or nothing, and returns
-- { "transactions": [{ key, id, created }], "accounts": [changed accounts] }.
-- batch: [{ key, hash, kind: POSTED|PENDING|POST_PENDING|VOID_PENDING, pendingKey?, reason,
--   referenceType?, referenceId?, actorId?, memo?, timeoutAt?, at?, postings: [{ accountId, amount }] }]
-- at: when it happened, for imports of history (default now); its postings share it.
-- A key posted before is skipped when it asked the same (hash), refused when not. Errors
-- are raised as 'LEDGER:<CODE>:<key>'; an overdraft fails on ledger_account_no_negative.
-- Accounts are locked in id order, so concurrent batches never deadlock on them.
CREATE FUNCTION "ledger_post"("batch" jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  created jsonb;
  legs ledger_leg[];
  bad text;
  accounts jsonb;
BEGIN
  WITH input AS (
    SELECT e.seq, e.tx FROM jsonb_array_elements(batch) WITH ORDINALITY AS e(tx, seq)
  ), ins AS (
    INSERT INTO ledger_transaction (idempotency_key, request_hash, kind, pending_id, reason, reference_type, reference_id, actor_id, memo, timeout_at, created_at)
    SELECT i.tx->>'key', i.tx->>'hash', (i.tx->>'kind')::"LedgerTransactionKind", p.id, i.tx->>'reason', i.tx->>'referenceType',
      i.tx->>'referenceId', (i.tx->>'actorId')::int, i.tx->>'memo', (i.tx->>'timeoutAt')::timestamptz, coalesce((i.tx->>'at')::timestamptz, now())
    FROM input i LEFT JOIN ledger_transaction p ON p.idempotency_key = i.tx->>'pendingKey'
    ORDER BY i.seq
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id, idempotency_key, kind, pending_id
  )
  SELECT coalesce(jsonb_agg(jsonb_build_object('id', id, 'key', idempotency_key, 'kind', kind, 'pendingId', pending_id)), '[]') INTO created FROM ins;

  SELECT i.tx->>'key' INTO bad FROM jsonb_array_elements(batch) AS i(tx)
    JOIN ledger_transaction t ON t.idempotency_key = i.tx->>'key' WHERE t.request_hash <> i.tx->>'hash' LIMIT 1;
  IF bad IS NOT NULL THEN RAISE EXCEPTION 'LEDGER:IDEMPOTENCY_KEY_REUSED:%', bad; END IF;

  SELECT c.key INTO bad FROM jsonb_to_recordset(created) AS c(id bigint, key text, kind text, "pendingId" bigint)
    LEFT JOIN ledger_transaction p ON p.id = c."pendingId"
    WHERE c.kind IN ('POST_PENDING', 'VOID_PENDING') AND (p.id IS NULL OR p.kind <> 'PENDING') LIMIT 1;
  IF bad IS NOT NULL THEN RAISE EXCEPTION 'LEDGER:PENDING_NOT_FOUND:%', bad; END IF;
  SELECT c.key INTO bad FROM jsonb_to_recordset(created) AS c(id bigint, key text, kind text, "pendingId" bigint)
    JOIN ledger_transaction p ON p.id = c."pendingId"
    WHERE c.kind = 'POST_PENDING' AND p.timeout_at IS NOT NULL AND p.timeout_at <= now() LIMIT 1;
  IF bad IS NOT NULL THEN RAISE EXCEPTION 'LEDGER:PENDING_EXPIRED:%', bad; END IF;

  SELECT array_agg(ROW(l.tx_id, l.ord, l.account_id, l.amount, l.settles, l.hold)::ledger_leg ORDER BY l.tx_id, l.ord) INTO legs FROM (
    SELECT c.id AS tx_id, p.ord, (p.leg->>'accountId')::int AS account_id, (p.leg->>'amount')::bigint AS amount,
      c.kind = 'POSTED' AS settles, CASE WHEN c.kind = 'PENDING' THEN 1 ELSE 0 END AS hold
    FROM jsonb_to_recordset(created) AS c(id bigint, key text, kind text, "pendingId" bigint)
    -- A key given twice in one batch makes one transaction: take its legs once.
    JOIN (SELECT DISTINCT ON (x.tx->>'key') x.tx FROM jsonb_array_elements(batch) AS x(tx)) AS e ON e.tx->>'key' = c.key
    CROSS JOIN LATERAL jsonb_array_elements(e.tx->'postings') WITH ORDINALITY AS p(leg, ord)
    WHERE c.kind IN ('POSTED', 'PENDING')
    UNION ALL
    SELECT c.id, q.id, q.account_id, q.amount, c.kind = 'POST_PENDING', -1
    FROM jsonb_to_recordset(created) AS c(id bigint, key text, kind text, "pendingId" bigint)
    JOIN ledger_posting q ON q.transaction_id = c."pendingId"
    WHERE c.kind IN ('POST_PENDING', 'VOID_PENDING')
  ) l;

  SELECT t.idempotency_key INTO bad FROM unnest(legs) l
    LEFT JOIN ledger_account a ON a.id = l.account_id JOIN ledger_transaction t ON t.id = l.tx_id
    WHERE a.id IS NULL LIMIT 1;
  IF bad IS NOT NULL THEN RAISE EXCEPTION 'LEDGER:ACCOUNT_NOT_FOUND:%', bad; END IF;
  SELECT t.idempotency_key INTO bad FROM (
      SELECT l.tx_id FROM unnest(legs) l JOIN ledger_account a ON a.id = l.account_id
      WHERE l.hold >= 0 GROUP BY l.tx_id, a.unit HAVING sum(l.amount) <> 0
    ) u JOIN ledger_transaction t ON t.id = u.tx_id LIMIT 1;
  IF bad IS NOT NULL THEN RAISE EXCEPTION 'LEDGER:UNBALANCED:%', bad; END IF;

  PERFORM 1 FROM ledger_account WHERE id IN (SELECT DISTINCT l.account_id FROM unnest(legs) l) ORDER BY id FOR UPDATE;
  WITH d AS (
    SELECT l.account_id, coalesce(sum(l.amount) FILTER (WHERE l.settles), 0) AS posted,
      sum(greatest(-l.amount, 0) * l.hold) AS pd, sum(greatest(l.amount, 0) * l.hold) AS pc
    FROM unnest(legs) l GROUP BY l.account_id
  ), up AS (
    UPDATE ledger_account a SET posted = a.posted + d.posted, pending_debits = a.pending_debits + d.pd,
      pending_credits = a.pending_credits + d.pc, revision = a.revision + 1, updated_at = now()
    FROM d WHERE a.id = d.account_id
    RETURNING a.id, a.owner_id AS "ownerId", a.kind, a.unit, a.posted, a.pending_debits AS "pendingDebits",
      a.pending_credits AS "pendingCredits", a.revision
  )
  SELECT coalesce(jsonb_agg(to_jsonb(up)), '[]') INTO accounts FROM up;

  INSERT INTO ledger_posting (transaction_id, account_id, unit, amount, balance_after, created_at)
  SELECT l.tx_id, l.account_id, a.unit, l.amount,
    CASE WHEN l.settles THEN a.posted - coalesce(sum(l.amount) FILTER (WHERE l.settles)
      OVER (PARTITION BY l.account_id ORDER BY l.tx_id, l.ord ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING), 0) END,
    t.created_at
  FROM unnest(legs) l JOIN ledger_account a ON a.id = l.account_id JOIN ledger_transaction t ON t.id = l.tx_id
  WHERE l.settles OR l.hold = 1
  ORDER BY l.tx_id, l.ord;

  RETURN jsonb_build_object(
    'transactions', (SELECT coalesce(jsonb_agg(jsonb_build_object('key', t.idempotency_key, 'id', t.id,
        'created', t.id IN (SELECT (c->>'id')::bigint FROM jsonb_array_elements(created) c)) ORDER BY i.seq), '[]')
      FROM jsonb_array_elements(batch) WITH ORDINALITY AS i(tx, seq) JOIN ledger_transaction t ON t.idempotency_key = i.tx->>'key'),
    'accounts', accounts);
END $$;
