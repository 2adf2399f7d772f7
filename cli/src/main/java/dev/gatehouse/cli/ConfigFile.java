package dev.gatehouse.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The command line's config file (docs/cli.md, "Configuration"), YAML:
 *
 * <pre>
 * url: http://localhost:8080        # used when no profile is selected or the profile does not say
 * key: gh_…
 * default_profile: staging          # optional
 * profiles:
 *   staging: {url: https://gatehouse.staging.example, key: gh_…}
 * </pre>
 *
 * A missing file is no error (nothing is configured); a malformed one, an unknown field or an unknown profile is.
 * Stateless.
 */
final class ConfigFile {

    private static final Set<String> TOP = Set.of("url", "key", "default_profile", "profiles");
    private static final Set<String> PROFILE = Set.of("url", "key");

    private ConfigFile() {
    }

    /**
     * What the file says, for a profile.
     *
     * @param source the file read, or null when there was none
     */
    record Profile(String url, String key, Path source) {
    }

    /**
     * The settings of {@code profileName} (or the file's default profile, or its top level) in {@code path}. A file
     * at the default place may be missing; one named by {@code namedBy} ({@code --config}, {@code GATEHOUSE_CONFIG};
     * null for the default place) must exist: a mistyped name must not fall back to the defaults
     * ({@code http://localhost:8080}) with whatever key the environment holds.
     */
    static Profile load(Path path, String namedBy, String profileName) {
        if (path != null && namedBy != null && !Files.exists(path)) {
            throw new CliException("config file " + path + " (from " + namedBy + ") does not exist");
        }
        if (path != null && Files.isDirectory(path)) {
            throw new CliException("config file " + path + " is a directory");
        }
        if (path == null || !Files.exists(path)) {
            if (profileName != null) {
                throw new CliException("profile \"" + profileName + "\" asked for, but there is no config file"
                        + (path == null ? "" : " at " + path));
            }
            return new Profile(null, null, null);
        }
        JsonNode root = Yaml.read(path, "config file " + path);
        if (root == null || root.isNull() || root.isMissingNode()) {
            return new Profile(null, null, path);
        }
        Yaml.requireObject(root, path + "", TOP);
        // every profile, not only the one in use: a typo in prod must not wait for the day prod is used
        JsonNode profiles = root.path("profiles");
        if (!profiles.isMissingNode() && !profiles.isNull()) {
            if (!profiles.isObject()) {
                throw new CliException(path + ": profiles must be a mapping of names to profiles");
            }
            for (String name : profiles.propertyNames()) {
                Yaml.requireObject(profiles.get(name), path + ": profiles." + name, PROFILE);
            }
        }
        String selected = profileName != null ? profileName : Yaml.text(root, "default_profile", path + "");
        String url = Yaml.text(root, "url", path + "");
        String key = Yaml.text(root, "key", path + "");
        if (selected != null) {
            JsonNode profile = root.path("profiles").path(selected);
            if (!profile.isObject()) {
                throw new CliException("config file " + path + " has no profile \"" + selected + "\"");
            }
            String where = path + ": profiles." + selected;
            Yaml.requireObject(profile, where, PROFILE);
            String profileUrl = Yaml.text(profile, "url", where);
            String profileKey = Yaml.text(profile, "key", where);
            if (profileUrl != null && profileKey == null && !Connection.sameUrl(profileUrl, url)) {
                key = null; // the top level's key is for the top level's server, never sent to the profile's
            }
            url = firstOf(profileUrl, url);
            key = firstOf(profileKey, key);
        }
        return new Profile(url, key, path);
    }

    private static String firstOf(String first, String second) {
        return first != null ? first : second;
    }
}
