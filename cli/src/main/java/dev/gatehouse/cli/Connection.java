package dev.gatehouse.cli;

import dev.gatehouse.client.GatehouseClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * The deployment a command talks to and the key it uses. Each setting comes from the first of: its flag
 * ({@code --url}, {@code --key}), the environment ({@code GATEHOUSE_URL}, {@code GATEHOUSE_KEY}), the config file's
 * selected profile ({@link ConfigFile}) — except that a profile named by {@code --profile} or
 * {@code GATEHOUSE_PROFILE} comes before the environment: its URL and key belong together. The URL defaults to
 * {@code http://localhost:8080}. How long to wait for each answer is {@code --timeout} ({@link #DEFAULT_TIMEOUT}).
 * A picocli mixin; not thread-safe.
 */
final class Connection {

    static final String DEFAULT_URL = "http://localhost:8080";

    /** How long a command waits for each answer when {@code --timeout} does not say. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    /** A member key's form (docs/security.md) and an access token's ({@link Target#actsAsMember}). */
    private static final Pattern MEMBER_KEY = Pattern.compile("ghm_[0-9a-fA-F]{24}_[A-Za-z0-9_-]{43}");
    private static final Pattern ACCESS_TOKEN = Pattern.compile("eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--url", description = "the Gatehouse server (else GATEHOUSE_URL, the config file, "
            + "http://localhost:8080)")
    String url;

    @Option(names = "--key", description = "the API key: a service key or a member key (else GATEHOUSE_KEY, the "
            + "config file)")
    String key;

    @Option(names = "--profile", description = "the config file's profile to use (else GATEHOUSE_PROFILE, the "
            + "file's default); a profile named so gives its url and key before the environment's")
    String profile;

    @Option(names = "--config", description = "the config file (else GATEHOUSE_CONFIG, "
            + "$XDG_CONFIG_HOME/gatehouse/config.yaml when XDG_CONFIG_HOME is set, ~/.config/gatehouse/config.yaml)")
    Path config;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = TimeoutConverter.class,
            description = "how long to wait for each answer (each attempt), and for each line of an export: seconds "
                    + "(30) or with a unit (500ms, 90s, 5m); default 60s")
    Duration timeout = DEFAULT_TIMEOUT;

    /** The resolved URL and key. */
    record Target(String url, String key) {

        /**
         * Whether the key acts as a member, as its form tells: a member key ({@code ghm_}, 24 hexadecimal digits,
         * {@code _}, 43 characters: docs/security.md) or an access token (three base64url parts joined by dots, the
         * first a JSON object: {@code eyJ…}). A service key may take any other form, and a key of neither form is
         * taken for one: what it may not do, the server says.
         */
        boolean actsAsMember() {
            return MEMBER_KEY.matcher(key).matches() || ACCESS_TOKEN.matcher(key).matches();
        }
    }

    /**
     * The URL and key, by precedence; a {@link CliException} when no key is found or the client refuses the URL. A
     * flag given empty is refused rather than passed over: {@code --key "$MEMBER_KEY"} with the variable unset must
     * not fall back to a stronger key from the environment or the file.
     */
    Target target() {
        requireNotBlank("--url", url);
        requireNotBlank("--key", key);
        requireNotBlank("--profile", profile);
        requireNotBlank("--config", config == null ? null : config.toString());
        Map<String, String> env = GatehouseCli.of(spec).env();
        ConfigFile.Profile file = null;
        String resolvedUrl = firstOf(url, env.get("GATEHOUSE_URL"));
        String resolvedKey = firstOf(key, env.get("GATEHOUSE_KEY"));
        String profileName = firstOf(profile, env.get("GATEHOUSE_PROFILE"));
        String namedBy = config != null ? "--config"
                : blankToNull(env.get("GATEHOUSE_CONFIG")) != null ? "GATEHOUSE_CONFIG" : null;
        // the file is read when it has something to add, or is named, or a profile is (a wrong name is an error)
        String urlFrom = blankToNull(url) != null ? "--url" : resolvedUrl != null ? "GATEHOUSE_URL" : null;
        if (resolvedUrl == null || resolvedKey == null || profileName != null || namedBy != null) {
            file = ConfigFile.load(configPath(env), namedBy, profileName);
            if (profileName != null) {
                // a profile asked for by name is one deployment: its URL and key go together, before the
                // environment's, so that a key exported for another deployment is never sent to the profile's
                if (blankToNull(url) == null && blankToNull(file.url()) != null) {
                    resolvedUrl = file.url();
                    urlFrom = null;
                }
                resolvedKey = firstOf(key, firstOf(file.key(), resolvedKey));
            } else {
                resolvedUrl = firstOf(resolvedUrl, file.url());
                resolvedKey = firstOf(resolvedKey, file.key());
            }
        }
        if (resolvedKey == null) {
            throw new CliException("no API key: pass --key, set GATEHOUSE_KEY or put key: in the config file"
                    + (file == null || file.source() == null ? "" : " (" + file.source() + ")"));
        }
        String resolved = firstOf(resolvedUrl, DEFAULT_URL);
        try {
            read(resolved);
        } catch (IllegalArgumentException refused) {
            // the client quotes the URL it refuses; a query or user info may hold a secret (?key=…): never shown. It
            // names its own builder's method where the key goes: here that is an option
            String reason = refused.getMessage().replace(resolved, shown(resolved))
                    .replace("key(…)", "--key, GATEHOUSE_KEY or key: in the config file");
            throw new CliException((reason.startsWith("url ") ? "the URL " + reason.substring(4) : reason) + " (from "
                    + (urlFrom != null ? urlFrom : "url: in " + file.source()) + ")", refused);
        }
        return new Target(resolved, resolvedKey);
    }

    /**
     * {@code url} as the command line reads it: checked by the client's own rule, so that a URL passes here exactly
     * when the client takes it (an {@link IllegalArgumentException} quoting it when it does not), and normalized —
     * the scheme and the host in lower case (both case-insensitive: RFC 3986), the slashes that end it dropped, as
     * the client drops them — so that two URLs read alike exactly when they name the same base.
     */
    static String read(String url) {
        GatehouseClient.builder().url(url);
        // taken by the client: absolute, http(s), without user info, query or fragment
        URI parsed = URI.create(url);
        return parsed.getScheme().toLowerCase(Locale.ROOT) + "://" + parsed.getRawAuthority().toLowerCase(Locale.ROOT)
                + parsed.getRawPath().replaceAll("/+$", "");
    }

    /**
     * Whether {@code a} and {@code b} (either may be null) name the same base URL as {@link #read} reads them; a URL
     * the client refuses is the same only as the very same text (it is refused once used).
     */
    static boolean sameUrl(String a, String b) {
        if (a == null || b == null || a.equals(b)) {
            return a != null && a.equals(b);
        }
        try {
            return read(a).equals(read(b));
        } catch (IllegalArgumentException refused) {
            return false;
        }
    }

    /**
     * {@code url} as a message may quote it: without what follows a {@code ?} or {@code #} (a query or fragment, which
     * a URL pasted from a browser may carry a token in) and without the user info before an {@code @} (a password),
     * each left as {@code …}.
     */
    static String shown(String url) {
        int end = url.length();
        for (char cut : new char[] {'?', '#'}) {
            int at = url.indexOf(cut);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        String shown = end < url.length() ? url.substring(0, end) + url.charAt(end) + "…" : url;
        int authority = shown.indexOf("://");
        int start = authority < 0 ? 0 : authority + 3;
        int slash = shown.indexOf('/', start);
        int userInfo = shown.lastIndexOf('@', slash < 0 ? shown.length() - 1 : slash);
        if (userInfo >= start) {
            shown = shown.substring(0, start) + "…" + shown.substring(userInfo);
        }
        return shown;
    }

    /** A client of the resolved deployment; close it when done. */
    GatehouseClient open() {
        return open(target());
    }

    /** A client of {@code target} (this connection's {@link #target}); close it when done. */
    GatehouseClient open(Target target) {
        return GatehouseClient.builder().url(target.url()).key(target.key()).requestTimeout(timeout).build();
    }

    /** A timeout as {@code --timeout} takes it: {@code 60s}, {@code 300ms}, {@code 5m}. */
    static String written(Duration timeout) {
        long millis = timeout.toMillis();
        if (millis % 1000 != 0) {
            return millis + "ms";
        }
        long seconds = millis / 1000;
        return seconds % 3600 == 0 ? seconds / 3600 + "h" : seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
    }

    /**
     * {@code --timeout}: a whole number of seconds ({@code 30}), or one with a unit, {@code ms}, {@code s}, {@code m}
     * or {@code h} ({@code 500ms}, {@code 90s}, {@code 5m}); above zero, at most a day. Stateless.
     */
    static final class TimeoutConverter implements ITypeConverter<Duration> {

        private static final Duration MAX = Duration.ofDays(1);

        @Override
        public Duration convert(String value) {
            String text = value.strip().toLowerCase(Locale.ROOT);
            int digits = 0;
            while (digits < text.length() && Character.isDigit(text.charAt(digits))) {
                digits++;
            }
            String unit = text.substring(digits);
            Duration timeout = null;
            if (digits > 0 && digits <= 9) {
                long amount = Long.parseLong(text.substring(0, digits));
                timeout = switch (unit) {
                    case "", "s" -> Duration.ofSeconds(amount);
                    case "ms" -> Duration.ofMillis(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> null;
                };
            }
            if (timeout == null || timeout.isZero() || timeout.compareTo(MAX) > 0) {
                throw new TypeConversionException("'" + Display.escaped(value) + "' is not a timeout: give seconds "
                        + "(30) or a number with ms, s, m or h (500ms, 90s, 5m), above zero and at most 24h");
            }
            return timeout;
        }
    }

    private Path configPath(Map<String, String> env) {
        if (config != null) {
            return config;
        }
        String fromEnv = blankToNull(env.get("GATEHOUSE_CONFIG"));
        if (fromEnv != null) {
            return Path.of(fromEnv);
        }
        String xdg = blankToNull(env.get("XDG_CONFIG_HOME"));
        if (xdg != null) {
            return Path.of(xdg, "gatehouse", "config.yaml");
        }
        String home = blankToNull(env.get("HOME"));
        return home == null ? null : Path.of(home, ".config", "gatehouse", "config.yaml");
    }

    private void requireNotBlank(String flag, String value) {
        if (value != null && value.isBlank()) {
            throw new ParameterException(spec.commandLine(), flag + " is empty; give it a value, or leave it out");
        }
    }

    private static String firstOf(String first, String second) {
        return blankToNull(first) != null ? first : blankToNull(second);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
