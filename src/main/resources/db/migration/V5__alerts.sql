-- Alerts: which incidents have been told, the messages to each channel (an outbox: a message is
-- stored before it is sent, so a restart loses none), what is firing per channel (for resends and
-- dedup), and maintenance windows that silence messages.
-- Written to run unchanged on PostgreSQL and on H2 in PostgreSQL mode (the embedded default).

alter table incident add column alerted_at timestamp with time zone;
-- What happened before alerting existed is history, not news.
update incident set alerted_at = at;
create index incident_alerted_idx on incident (alerted_at);

create sequence alert_delivery_seq start with 1 increment by 50;

create table alert_delivery (
    id          bigint        not null primary key,
    channel     varchar(63)   not null,
    alert_key   varchar(300)  not null,
    kind        varchar(24)   not null,
    status      varchar(10)   not null,
    repeated    boolean       not null default false,
    title       varchar(500)  not null,
    body        varchar(8000) not null,
    payload     text          not null,
    attempts    integer       not null default 0,
    created_at  timestamp with time zone not null,
    next_at     timestamp with time zone not null,
    sent_at     timestamp with time zone,
    last_error  varchar(2000),
    incident_id bigint
);

create index alert_delivery_due_idx on alert_delivery (channel, status, id);
create index alert_delivery_created_idx on alert_delivery (created_at);

create table alert_notice (
    channel      varchar(63)   not null,
    alert_key    varchar(300)  not null,
    kind         varchar(24)   not null,
    payload      text          not null,
    fired_at     timestamp with time zone not null,
    last_sent_at timestamp with time zone not null,
    constraint alert_notice_pk primary key (channel, alert_key)
);

create sequence alert_silence_seq start with 1 increment by 10;

create table alert_silence (
    id          bigint        not null primary key,
    starts_at   timestamp with time zone not null,
    ends_at     timestamp with time zone not null,
    group_name  varchar(63),
    target      varchar(253),
    comment     varchar(500)  not null default '',
    created_by  varchar(63)   not null,
    created_at  timestamp with time zone not null
);

create index alert_silence_ends_idx on alert_silence (ends_at);
