package io.syncgw.gateway;

import io.syncgw.gateway.cli.Args;
import io.syncgw.gateway.cli.Args.UsageException;
import io.syncgw.persistence.account.AccountAdmin;
import io.syncgw.persistence.account.AccountException;
import io.syncgw.persistence.account.AccountSummary;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code java -jar syncgw.jar COMMAND ...}: {@code serve}, {@code user add|list|remove|passwd}. Exit codes: 0 done,
 * 1 failed, 2 usage error.
 */
public final class Main {
    static final String USAGE = """
            usage: java -jar syncgw.jar COMMAND [OPTIONS]

              serve [--port 8080] [--bind 0.0.0.0] [--data-dir DIR | --db-url URL]
                    [--session-timeout 5m] [--max-message-size 4m] [--max-sessions 50000] [--public-url URL]
                    [--admin-port 8081] [--admin-bind 127.0.0.1] [--admin-token TOKEN] [--drain-grace 30s]
                    [--tls-cert PEM --tls-key PEM] [--log-format text|json] [--config FILE]
                    [--max-devices 4] [--conflict-policy server-wins|client-wins|newest-wins|duplicate]
                    [--node-id ID] [--advertise-url http://HOST:PORT] [--io-threads N]
                  run the gateway; it logs "syncgw ready" when it serves POST /sync

              user add LOGIN --password PW [--no-md5] [--data-dir DIR | --db-url URL]
              user list [--data-dir DIR | --db-url URL]
              user remove LOGIN [--data-dir DIR | --db-url URL]
              user passwd LOGIN --password PW [--data-dir DIR | --db-url URL]
                  manage accounts (with or without a server running on the same data dir)

              admin-token [--data-dir DIR | --db-url URL]
                  print the admin API's bearer token kept in the database (generated if there is none)

            Storage: without --db-url a PostgreSQL is started under --data-dir (default ./syncgw-data).
            SyncML 1.0 MD5 logins need the password sealed with the credential key: --credential-key BASE64
            or the file --credential-key-file (default DATA_DIR/credential.key, created on first use).
            Every option may also be set as SYNCGW_<OPTION> in the environment (e.g. SYNCGW_DB_URL).
            """;
    private static final Set<String> FLAGS = Set.of("no-md5", "help");

    private Main() {
    }

    public static void main(String[] argv) {
        chooseLogFormat(argv, System.getenv());
        IoThreads.apply(argv, FLAGS, System.getenv());
        int code = run(argv, System.getenv(), System.out, System.err);
        if (code != 0 || argv.length == 0 || !"serve".equals(argv[0])) {
            System.exit(code);
        }
    }

    /**
     * {@code --log-format json} (or {@code SYNCGW_LOG_FORMAT=json}): one JSON object per log line. Decided before
     * the first logger is created, which is when logback reads its configuration.
     */
    private static void chooseLogFormat(String[] argv, Map<String, String> env) {
        String format = env.get("SYNCGW_LOG_FORMAT");
        for (int i = 0; i < argv.length; i++) {
            if (argv[i].equals("--log-format") && i + 1 < argv.length) {
                format = argv[i + 1];
            } else if (argv[i].startsWith("--log-format=")) {
                format = argv[i].substring("--log-format=".length());
            }
        }
        if ("json".equalsIgnoreCase(format) && System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "logback-json.xml");
        }
    }

    static int run(String[] argv, Map<String, String> env, PrintStream out, PrintStream err) {
        Args args;
        try {
            args = Args.parse(argv, FLAGS, env);
        } catch (UsageException e) {
            err.println("syncgw: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        List<String> words = args.positional();
        if (words.isEmpty() || args.flag("help") || words.get(0).equals("help")) {
            (words.isEmpty() && !args.flag("help") ? err : out).print(USAGE);
            return words.isEmpty() && !args.flag("help") ? 2 : 0;
        }
        try {
            switch (words.get(0)) {
                case "serve":
                    return Serve.run(args);
                case "user":
                    return user(args, words, out, err);
                case "admin-token":
                    return adminToken(args, out);
                default:
                    throw new UsageException("unknown command '" + words.get(0) + "'");
            }
        } catch (UsageException e) {
            err.println("syncgw: " + e.getMessage());
            err.print(USAGE);
            return 2;
        } catch (AccountException e) {
            err.println("syncgw: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            err.println("syncgw: failed: " + e);
            return 1;
        }
    }

    private static int adminToken(Args args, PrintStream out) {
        try (Storage storage = Storage.open(args)) {
            out.println(new io.syncgw.persistence.account.AdminTokens(storage.database.connectionFactory())
                    .getOrCreate().block(Duration.ofMinutes(1)).token());
        }
        return 0;
    }

    private static int user(Args args, List<String> words, PrintStream out, PrintStream err) {
        if (words.size() < 2) {
            throw new UsageException("user needs a subcommand: add, list, remove or passwd");
        }
        String sub = words.get(1);
        String login = words.size() > 2 ? words.get(2) : null;
        if (!sub.equals("list") && (login == null || login.isBlank())) {
            throw new UsageException("user " + sub + " needs a LOGIN");
        }
        if ((sub.equals("add") || sub.equals("passwd")) && args.get("password") == null) {
            throw new UsageException("user " + sub + " needs --password");
        }
        if (!Set.of("add", "list", "remove", "passwd").contains(sub)) {
            throw new UsageException("unknown user subcommand '" + sub + "'");
        }
        Duration wait = Duration.ofMinutes(2);
        try (Storage storage = Storage.open(args)) {
            AccountAdmin admin = new AccountAdmin(storage.database, CredentialKey.load(args));
            switch (sub) {
                case "add" -> {
                    admin.add(login, args.get("password"), !args.flag("no-md5")).block(wait);
                    out.println("account '" + login + "' created");
                }
                case "remove" -> {
                    admin.remove(login).block(wait);
                    out.println("account '" + login + "' removed");
                }
                case "passwd" -> {
                    admin.passwd(login, args.get("password")).block(wait);
                    out.println("password of '" + login + "' changed");
                }
                default -> {
                    List<AccountSummary> all = admin.list().collectList().block(wait);
                    out.printf("%-24s %-25s %7s  %s%n", "LOGIN", "CREATED", "DEVICES", "ITEMS");
                    for (AccountSummary a : all) {
                        out.printf("%-24s %-25s %7d  %s%n", a.login(), a.createdAt(), a.devices(),
                                new TreeMap<>(a.liveItems()));
                    }
                }
            }
        }
        return 0;
    }
}
