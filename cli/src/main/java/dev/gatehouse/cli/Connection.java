package dev.gatehouse.cli;

import dev.gatehouse.client.GatehouseClient;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The deployment a command talks to and the key it uses. Each setting comes from the first of: its flag
 * ({@code --url}, {@code --key}), the environment ({@code GATEHOUSE_URL}, {@code GATEHOUSE_KEY}), the config file's
 * selected profile ({@link ConfigFile}); the URL defaults to {@code http://localhost:8080}. A picocli mixin; not
 * thread-safe.
 */
final class Connection {

    static final String DEFAULT_URL = "http://localhost:8080";

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--url", description = "the Gatehouse server (else GATEHOUSE_URL, the config file, "
            + "http://localhost:8080)")
    String url;

    @Option(names = "--key", description = "the API key: a service key or a member key (else GATEHOUSE_KEY, the "
            + "config file)")
    String key;

    @Option(names = "--profile", description = "the config file's profile to use (else GATEHOUSE_PROFILE, the "
            + "file's default)")
    String profile;

    @Option(names = "--config", description = "the config file (else GATEHOUSE_CONFIG, "
            + "~/.config/gatehouse/config.yaml)")
    Path config;

    /** The resolved URL and key. */
    record Target(String url, String key) {
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
        Map<String, String> env = GatehouseCli.of(spec).env();
        ConfigFile.Profile file = null;
        String resolvedUrl = firstOf(url, env.get("GATEHOUSE_URL"));
        String resolvedKey = firstOf(key, env.get("GATEHOUSE_KEY"));
        String profileName = firstOf(profile, env.get("GATEHOUSE_PROFILE"));
        String namedBy = config != null ? "--config"
                : blankToNull(env.get("GATEHOUSE_CONFIG")) != null ? "GATEHOUSE_CONFIG" : null;
        // the file is read when it has something to add, or is named, or a profile is (a wrong name is an error)
        if (resolvedUrl == null || resolvedKey == null || profileName != null || namedBy != null) {
            file = ConfigFile.load(configPath(env), namedBy, profileName);
            resolvedUrl = firstOf(resolvedUrl, file.url());
            resolvedKey = firstOf(resolvedKey, file.key());
        }
        if (resolvedKey == null) {
            throw new CliException("no API key: pass --key, set GATEHOUSE_KEY or put key: in the config file"
                    + (file == null || file.source() == null ? "" : " (" + file.source() + ")"));
        }
        String resolved = firstOf(resolvedUrl, DEFAULT_URL);
        try {
            // the client's own check, so that a URL passes here exactly when the client takes it
            GatehouseClient.builder().url(resolved);
        } catch (IllegalArgumentException refused) {
            String reason = refused.getMessage();
            throw new CliException((reason.startsWith("url ") ? "the URL " + reason.substring(4) : reason) + " (from "
                    + (blankToNull(url) != null ? "--url" : blankToNull(env.get("GATEHOUSE_URL")) != null
                    ? "GATEHOUSE_URL" : "url: in " + file.source()) + ")", refused);
        }
        return new Target(resolved, resolvedKey);
    }

    /** A client of the resolved deployment; close it when done. */
    GatehouseClient open() {
        Target target = target();
        return GatehouseClient.builder().url(target.url()).key(target.key()).build();
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
