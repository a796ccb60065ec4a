-- A watch's history (dev.detour.history): tier 0 holds one clock hour of rounds a row from the
-- first round's second; tier 1 one UTC day of five-minute buckets a row from the day's start.
-- data is deflated (HistoryCodec).
create table round_history (
    watch_id  bigint   not null,
    tier      smallint not null,
    start_at  bigint   not null,
    data      bytea    not null,
    constraint round_history_pk primary key (watch_id, tier, start_at),
    constraint round_history_watch_fk foreign key (watch_id) references watch (id) on delete cascade
);

-- Compaction and expiry look for old rows of a tier.
create index round_history_age_idx on round_history (tier, start_at);

-- How many watches were in each state, every five minutes (seconds since the epoch).
create table state_tally (
    at       bigint  not null primary key,
    up_count       bigint  not null,
    down_count     bigint  not null,
    blocked_count  bigint  not null,
    unknown_count  bigint  not null
);

-- One node at a time folds rounds into buckets.
insert into cluster_lock (name) values ('history');
