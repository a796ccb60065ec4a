-- Watch lists: groups with their defaults, and the watches in them.
-- Written to run unchanged on PostgreSQL and on H2 in PostgreSQL mode (the embedded default).

create sequence watch_group_seq start with 1 increment by 10;
create sequence watch_seq start with 1 increment by 500;

create table watch_group (
    id               bigint        not null primary key,
    name             varchar(63)   not null,
    description      varchar(2000),
    interval_seconds integer,
    probes           varchar(200),
    route_blocked    boolean       not null default true,
    created_at       timestamp with time zone not null,
    updated_at       timestamp with time zone not null,
    version          bigint        not null default 0,
    constraint watch_group_name_uk unique (name)
);

create table watch (
    id         bigint        not null primary key,
    group_id   bigint        not null,
    target     varchar(253)  not null,
    kind       varchar(10)   not null,
    ports      varchar(400)  not null,
    probes     varchar(200),
    tags       varchar(1000) not null default '',
    note       varchar(2000),
    enabled    boolean       not null default true,
    created_at timestamp with time zone not null,
    updated_at timestamp with time zone not null,
    version    bigint        not null default 0,
    constraint watch_group_fk foreign key (group_id) references watch_group (id),
    constraint watch_group_target_uk unique (group_id, target)
);

create index watch_target_idx on watch (target);
