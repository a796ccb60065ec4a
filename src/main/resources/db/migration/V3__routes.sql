-- Route push: what is wanted routed and why (claims), the user's pins and exclusions, the switches
-- that stop it, and the audit log of every change made to a router.
-- Written to run unchanged on PostgreSQL and on H2 in PostgreSQL mode (the embedded default).

-- When a group's routes go after its watch clears: null = detour.routes.withdraw-grace,
-- 'keep' = never, or a number of seconds.
alter table watch_group add column route_withdraw varchar(20);

create sequence route_rule_seq start with 1 increment by 10;

-- Prefixes the user pins (always routed) or excludes (never routed).
create table route_rule (
    id          bigint        not null primary key,
    kind        varchar(10)   not null,
    prefix      varchar(50)   not null,
    note        varchar(500),
    created_at  timestamp with time zone not null,
    created_by  varchar(63)   not null,
    constraint route_rule_kind_prefix_uk unique (kind, prefix)
);

-- A prefix a blocked watch wants routed. released_at: the watch cleared; the claim goes once the
-- group's grace has passed. verified: the block was confirmed through the tunnel.
create table route_claim (
    watch_id    bigint        not null,
    prefix      varchar(50)   not null,
    reason      varchar(300)  not null,
    verified    boolean       not null,
    since       timestamp with time zone not null,
    seen_at     timestamp with time zone not null,
    released_at timestamp with time zone,
    primary key (watch_id, prefix),
    constraint route_claim_watch_fk foreign key (watch_id) references watch (id) on delete cascade
);

create sequence route_audit_seq start with 1 increment by 50;

-- Every change made (or refused) on a router, and every switch flipped: who, what, when, why.
create table route_audit (
    id       bigint        not null primary key,
    at       timestamp with time zone not null,
    router   varchar(63),
    action   varchar(20)   not null,
    prefix   varchar(50),
    outcome  varchar(10)   not null,
    actor    varchar(63)   not null,
    reason   varchar(500)  not null default '',
    detail   varchar(2000) not null default ''
);

create index route_audit_at_idx on route_audit (at);

-- Switches changed at run time (kill switch, dry run); absent = the configured default.
create table route_setting (
    name        varchar(40)   not null primary key,
    setting_value varchar(200) not null,
    updated_at  timestamp with time zone not null,
    updated_by  varchar(63)   not null
);
