-- What the monitor believes about each watch, and the history of its changes (incidents).
-- Written to run unchanged on PostgreSQL and on H2 in PostgreSQL mode (the embedded default).

create table watch_status (
    watch_id    bigint        not null primary key,
    state       varchar(10)   not null,
    method      varchar(24),
    methods     varchar(300)  not null default '',
    since       timestamp with time zone not null,
    confidence  double precision not null default 0,
    checked_at  timestamp with time zone,
    reasons     varchar(8000) not null default '',
    censor      text,
    parts       text,
    constraint watch_status_watch_fk foreign key (watch_id) references watch (id) on delete cascade
);

create index watch_status_state_idx on watch_status (state);

create sequence incident_seq start with 1 increment by 50;

create table incident (
    id           bigint        not null primary key,
    kind         varchar(20)   not null,
    watch_id     bigint,
    group_name   varchar(63),
    target       varchar(253),
    from_state   varchar(10),
    to_state     varchar(10),
    method       varchar(24),
    confidence   double precision,
    at           timestamp with time zone not null,
    first_bad_at timestamp with time zone,
    summary      varchar(8000) not null default '',
    evidence     text,
    censor       text,
    capture      varchar(40),
    parent_id    bigint,
    members      integer,
    constraint incident_watch_fk foreign key (watch_id) references watch (id) on delete set null,
    constraint incident_parent_fk foreign key (parent_id) references incident (id)
);

create index incident_at_idx on incident (at);
create index incident_watch_idx on incident (watch_id);
create index incident_parent_idx on incident (parent_id);
