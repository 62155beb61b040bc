-- SyncML 1.0 MD5 digests are MD5(login:password:nonce): checking one needs the password itself. For accounts that
-- allow MD5, the password sealed with the gateway's credential key (AES-256-GCM; the key is not in the database).
alter table account add column password_sealed text;
