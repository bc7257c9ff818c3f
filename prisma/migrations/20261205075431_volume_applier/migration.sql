-- CreateTable
CREATE TABLE "volume_pending" (
    "entry_id" BIGINT NOT NULL,

    CONSTRAINT "volume_pending_pkey" PRIMARY KEY ("entry_id")
);

-- AddForeignKey
ALTER TABLE "volume_pending" ADD CONSTRAINT "volume_pending_entry_id_fkey" FOREIGN KEY ("entry_id") REFERENCES "volume_entry"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

