-- Bytes per usage entry: today's ledger_entries layout against a compact prototype (docs/SCALING.md, section 6).
-- Run on a scratch database, never on Credits' own:
--   createdb entry_size; psql -d entry_size -v long_ids=0 -f benchmarks/storage/entry-size.sql
--   psql -d entry_size -v long_ids=1 -f benchmarks/storage/entry-size.sql
-- long_ids=0: 4-character customer ids (as the ingestion scenario's); 1: 31-character ids (as an auth provider's).
\set ON_ERROR_STOP on
drop table if exists e_before, e_now, e_compact;

-- The layout before migration LedgerEntriesHashedKeys: the key's text in the unique index, the fingerprint as text.
create table e_before (id bigint generated always as identity primary key, customer_id text not null, kind text not null,
  amount bigint not null, held_change bigint not null, quantity bigint not null, grant_id uuid, reservation_id uuid,
  idempotency_key text not null, sequence int not null, fingerprint text, period_start timestamptz not null,
  occurred_at timestamptz not null, recorded_at timestamptz not null, note text);
create unique index on e_before (idempotency_key, sequence);
create index on e_before (customer_id, id);
create index on e_before (customer_id, period_start, id) where kind = 'Overage';

-- Today's layout (src/Ledger/Mapping/LedgerEntryConfiguration.cs): the key's MD5 as a stored uuid under the unique
-- index, the fingerprint as the first 64 bits of its MD5, the entries keyed by (customer_id, id) (migration
-- LedgerEntriesKeyedByCustomer; before it, a key on id and an index on (customer_id, id)).
create table e_now (id bigint generated always as identity, customer_id text not null, kind text not null,
  amount bigint not null, held_change bigint not null, quantity bigint not null, grant_id uuid, reservation_id uuid,
  idempotency_key text not null, sequence int not null, fingerprint bigint, period_start timestamptz not null,
  occurred_at timestamptz not null, recorded_at timestamptz not null, note text,
  key_hash uuid generated always as (md5(idempotency_key)::uuid) stored not null);
alter table e_now add primary key (customer_id, id);
create unique index on e_now (key_hash, sequence);
create index on e_now (customer_id, period_start, id) where kind = 'Overage';

-- The prototype: account and grant as int references, kind and feature as smallint, the fingerprint as a 64-bit
-- hash, the event's key as a 128-bit hash under a unique index.
create table e_compact (id bigint generated always as identity primary key, recorded_at timestamptz not null,
  account_id int not null, grant_ref int, kind smallint not null, sequence smallint not null, feature_id smallint,
  amount int not null, held_change int not null, quantity int not null, reservation_id uuid,
  occurred_at timestamptz not null, period_start timestamptz not null, fingerprint bigint, key_hash bytea not null);
create index on e_compact (account_id, id);
create unique index on e_compact (key_hash);

create temp view customers as
  select i, case when :long_ids = 1 then 'user_2' || substr(md5((i % 1000)::text), 1, 25) else 'c' || (i % 1000) end as c
  from generate_series(1, 100000) i;

-- A usage debit as UsageDebits writes it: key usage:<n>:<customer>:<event id>, one entry, a grant burnt down.
insert into e_before (customer_id, kind, amount, held_change, quantity, grant_id, idempotency_key, sequence, fingerprint,
                   period_start, occurred_at, recorded_at, note)
select c, 'Usage', -1, 0, 1, md5((i % 1000)::text)::uuid, 'usage:1:' || c || ':' || gen_random_uuid(), 0,
       'debit|' || c || '|1|' || (638000000000000000 + i)::text || '|chat', date_trunc('month', now()), now(), now(), 'chat'
from customers;

-- The same rows as the migration converts them.
insert into e_now (customer_id, kind, amount, held_change, quantity, grant_id, idempotency_key, sequence, fingerprint,
                   period_start, occurred_at, recorded_at, note)
select customer_id, kind, amount, held_change, quantity, grant_id, idempotency_key, sequence,
       ('x' || substr(md5(fingerprint), 1, 16))::bit(64)::bigint, period_start, occurred_at, recorded_at, note
from e_before;

insert into e_compact (recorded_at, account_id, grant_ref, kind, sequence, feature_id, amount, held_change, quantity,
                       occurred_at, period_start, fingerprint, key_hash)
select now(), i % 1000, i % 1000, 1, 0, 1, -1, 0, 1, now(), date_trunc('month', now()), (random() * 9e18)::bigint,
       substr(sha256(gen_random_uuid()::text::bytea), 1, 16)
from generate_series(1, 100000) i;

vacuum analyze e_before;
vacuum analyze e_now;
vacuum analyze e_compact;

select relname as layout,
       round(pg_relation_size(oid) / 100000.0) as table_bytes_per_entry,
       round((pg_total_relation_size(oid) - pg_relation_size(oid)) / 100000.0) as index_bytes_per_entry,
       round(pg_total_relation_size(oid) / 100000.0) as total_bytes_per_entry
from pg_class where relname in ('e_before', 'e_now', 'e_compact') order by array_position(array['e_before', 'e_now', 'e_compact'], relname::text);

select round(avg(pg_column_size(idempotency_key))) as key_bytes, round(avg(pg_column_size(fingerprint))) as fingerprint_bytes,
       round(avg(pg_column_size(customer_id))) as customer_id_bytes
from e_before;
