-- Access: accounts (admin or viewer), API tokens and browser sessions. Only hashes are stored:
-- PBKDF2 for passwords, SHA-256 for tokens and session ids (both random, 256 bits).
-- Written to run unchanged on PostgreSQL and on H2 in PostgreSQL mode (the embedded default).

create table account (
    username      varchar(63)   not null primary key,
    password_hash varchar(200)  not null,
    role          varchar(10)   not null,
    created_at    timestamp with time zone not null,
    updated_at    timestamp with time zone not null
);

create sequence api_token_seq start with 1 increment by 10;

create table api_token (
    id           bigint        not null primary key,
    name         varchar(63)   not null,
    token_hash   varchar(64)   not null,
    hint         varchar(12)   not null,
    role         varchar(10)   not null,
    created_by   varchar(63)   not null,
    created_at   timestamp with time zone not null,
    last_used_at timestamp with time zone,
    constraint api_token_hash_uk unique (token_hash),
    constraint api_token_name_uk unique (name)
);

create table ui_session (
    id_hash    varchar(64)   not null primary key,
    username   varchar(63)   not null,
    csrf       varchar(64)   not null,
    created_at timestamp with time zone not null,
    seen_at    timestamp with time zone not null,
    constraint ui_session_account_fk foreign key (username) references account (username) on delete cascade
);
