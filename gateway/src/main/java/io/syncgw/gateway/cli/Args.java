package io.syncgw.gateway.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Command-line arguments: positional words and {@code --name value} / {@code --name=value} options. Every option
 * may also come from the environment as {@code SYNCGW_NAME} (upper case, dashes as underscores) or from a
 * configuration file given by {@code --config FILE} / {@code SYNCGW_CONFIG} (Java properties: {@code name = value},
 * option names without the dashes). Precedence: command line, then environment, then file.
 */
public final class Args {
    private final List<String> positional = new ArrayList<>();
    private final Map<String, String> options = new HashMap<>();
    private final Map<String, String> env;
    private final Map<String, String> file = new HashMap<>();

    private Args(Map<String, String> env) {
        this.env = env;
    }

    /**
     * @param flags options that take no value
     * @throws UsageException for an option without its value
     */
    public static Args parse(String[] argv, Set<String> flags, Map<String, String> env) {
        Args a = new Args(env);
        for (int i = 0; i < argv.length; i++) {
            String s = argv[i];
            if (s.startsWith("--")) {
                String name = s.substring(2);
                String value;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                } else if (flags.contains(name)) {
                    value = "true";
                } else {
                    if (i + 1 >= argv.length) {
                        throw new UsageException("option --" + name + " needs a value");
                    }
                    value = argv[++i];
                }
                a.options.put(name, value);
            } else {
                a.positional.add(s);
            }
        }
        String config = a.get("config");
        if (config != null) {
            a.loadFile(java.nio.file.Path.of(config));
        }
        return a;
    }

    private void loadFile(java.nio.file.Path path) {
        java.util.Properties p = new java.util.Properties();
        try (java.io.Reader r = java.nio.file.Files.newBufferedReader(path, java.nio.charset.StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (java.io.IOException e) {
            throw new UsageException("cannot read the configuration file " + path + ": " + e.getMessage());
        }
        for (String name : p.stringPropertyNames()) {
            String key = name.trim();
            if (key.startsWith("--")) {
                key = key.substring(2);
            }
            file.put(key, p.getProperty(name).trim());
        }
    }

    public List<String> positional() {
        return positional;
    }

    /** The option from the command line, else from {@code SYNCGW_NAME}, else from the config file, else null. */
    public String get(String name) {
        String v = options.get(name);
        if (v == null) {
            v = env.get("SYNCGW_" + name.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
        if (v == null) {
            v = file.get(name);
        }
        return v == null || v.isEmpty() ? null : v;
    }

    public String get(String name, String dflt) {
        String v = get(name);
        return v == null ? dflt : v;
    }

    public boolean flag(String name) {
        return "true".equalsIgnoreCase(get(name));
    }

    public int intValue(String name, int dflt) {
        String v = get(name);
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number, not '" + v + "'");
        }
    }

    /** A duration: "300" or "300s", "5m", "2h", or ISO-8601 "PT5M". */
    public Duration duration(String name, Duration dflt) {
        String v = get(name);
        if (v == null) {
            return dflt;
        }
        String t = v.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("pt")) {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            }
            long unit = 1;
            char last = t.charAt(t.length() - 1);
            if (last == 's' || last == 'm' || last == 'h') {
                unit = last == 's' ? 1 : last == 'm' ? 60 : 3600;
                t = t.substring(0, t.length() - 1);
            }
            return Duration.ofSeconds(Long.parseLong(t) * unit);
        } catch (RuntimeException e) {
            throw new UsageException("--" + name + " must be a duration such as 300s, 5m or PT5M, not '" + v + "'");
        }
    }

    /** Bytes: "4194304", "4096k", "4m". */
    public long bytes(String name, long dflt) {
        String v = get(name);
        if (v == null) {
            return dflt;
        }
        String t = v.trim().toLowerCase(Locale.ROOT).replace("ib", "").replace("b", "");
        long unit = 1;
        if (t.endsWith("k") || t.endsWith("m")) {
            unit = t.endsWith("k") ? 1024 : 1024 * 1024;
            t = t.substring(0, t.length() - 1);
        }
        try {
            return Long.parseLong(t) * unit;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a size such as 4194304, 4096k or 4m, not '" + v + "'");
        }
    }

    /** A usage error: printed with the usage text, exit code 2. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message, null, false, false);
        }
    }
}
