-- CreateTable
CREATE TABLE "access_role" (
    "id" SERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "built_in" BOOLEAN NOT NULL DEFAULT false,
    "permissions" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "access_role_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "role_assignment" (
    "id" SERIAL NOT NULL,
    "member_id" INTEGER NOT NULL,
    "role_id" INTEGER NOT NULL,
    "countries" TEXT[],
    "team_of" INTEGER,
    "granted_by_id" INTEGER,
    "granted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "role_assignment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_id" INTEGER,
    "api_key_id" INTEGER,
    "action" TEXT NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id" TEXT,
    "before" JSONB,
    "after" JSONB,
    "ip" TEXT,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_key" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "scopes" TEXT[],
    "created_by_id" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "rotated_to_id" INTEGER,

    CONSTRAINT "api_key_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "access_role_key_key" ON "access_role"("key");

-- CreateIndex
CREATE INDEX "role_assignment_role_id_idx" ON "role_assignment"("role_id");

-- CreateIndex
CREATE UNIQUE INDEX "role_assignment_member_id_role_id_key" ON "role_assignment"("member_id", "role_id");

-- CreateIndex
CREATE INDEX "audit_log_actor_id_id_idx" ON "audit_log"("actor_id", "id");

-- CreateIndex
CREATE INDEX "audit_log_target_type_target_id_id_idx" ON "audit_log"("target_type", "target_id", "id");

-- CreateIndex
CREATE INDEX "audit_log_action_id_idx" ON "audit_log"("action", "id");

-- CreateIndex
CREATE UNIQUE INDEX "api_key_prefix_key" ON "api_key"("prefix");

-- CreateIndex
CREATE UNIQUE INDEX "api_key_hash_key" ON "api_key"("hash");


-- Written by hand: what Prisma's schema cannot express.
ALTER TABLE "access_role" ALTER COLUMN "permissions" SET DEFAULT '{}', ALTER COLUMN "permissions" SET NOT NULL;
ALTER TABLE "role_assignment" ALTER COLUMN "countries" SET DEFAULT '{}', ALTER COLUMN "countries" SET NOT NULL;
ALTER TABLE "api_key" ALTER COLUMN "scopes" SET NOT NULL;
ALTER TABLE "role_assignment" ADD CONSTRAINT "role_assignment_member_fkey" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE CASCADE;
ALTER TABLE "role_assignment" ADD CONSTRAINT "role_assignment_role_fkey" FOREIGN KEY ("role_id") REFERENCES "access_role"("id") ON DELETE RESTRICT;
ALTER TABLE "role_assignment" ADD CONSTRAINT "role_assignment_team_fkey" FOREIGN KEY ("team_of") REFERENCES "member"("id");
ALTER TABLE "api_key" ADD CONSTRAINT "api_key_created_by_fkey" FOREIGN KEY ("created_by_id") REFERENCES "member"("id");

-- The audit log is append-only.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON "audit_log" FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- Built-in roles (their permissions come from the code: domain/shared/permissions.ts).
INSERT INTO "access_role" ("key", "name", "built_in") VALUES
  ('super_admin', 'Super admin', true), ('admin', 'Admin', true), ('support', 'Support', true),
  ('finance', 'Finance', true), ('compliance', 'Compliance', true), ('leader', 'Leader', true),
  ('distributor', 'Distributor', true);

-- Every existing admin account becomes a super admin.
INSERT INTO "role_assignment" ("member_id", "role_id")
SELECT m.id, r.id FROM "member" m CROSS JOIN "access_role" r WHERE m.role = 'ADMIN' AND r.key = 'super_admin';
