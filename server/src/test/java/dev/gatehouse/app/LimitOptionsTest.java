package dev.gatehouse.app;

import dev.gatehouse.limit.Limits;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LimitOptionsTest {

    /** Every option and the environment variable that sets its default. */
    private static final Map<String, String> NAMES = Map.of(
            "--max-roles-per-org", "GATEHOUSE_MAX_ROLES_PER_ORG",
            "--max-members-per-org", "GATEHOUSE_MAX_MEMBERS_PER_ORG",
            "--max-groups-per-org", "GATEHOUSE_MAX_GROUPS_PER_ORG",
            "--max-keys-per-member", "GATEHOUSE_MAX_KEYS_PER_MEMBER",
            "--max-assignments-per-resource", "GATEHOUSE_MAX_ASSIGNMENTS_PER_RESOURCE",
            "--max-members-per-group", "GATEHOUSE_MAX_MEMBERS_PER_GROUP",
            "--max-resources-per-org", "GATEHOUSE_MAX_RESOURCES_PER_ORG",
            "--max-rooms-per-org", "GATEHOUSE_MAX_ROOMS_PER_ORG");

    private static LimitOptions parse(String... args) {
        LimitOptions options = new LimitOptions();
        new CommandLine(options).parseArgs(args);
        return options;
    }

    @Test
    void withoutArguments_theDefaultsApply() {
        assertThat(parse().limits()).isEqualTo(Limits.DEFAULTS);
    }

    @Test
    void everyOption_isReadFromItsEnvironmentVariable() {
        var spec = new CommandLine(new LimitOptions()).getCommandSpec().interpolateVariables(false);
        assertThat(spec.options()).hasSize(NAMES.size());
        NAMES.forEach((option, variable) -> assertThat(spec.findOption(option).defaultValue())
                .startsWith("${env:" + variable + ":-"));
    }

    @Test
    void options_setTheLimits_andBadValuesNameTheOption() {
        assertThat(parse("--max-keys-per-member", "3", "--max-members-per-group", "50", "--max-rooms-per-org", "7")
                .limits()).isEqualTo(new Limits(1_000, 100_000, 1_000, 3, 10_000, 50, 1_000_000, 7));
        assertThatThrownBy(() -> parse("--max-groups-per-org", "0").limits()).hasMessageContaining("--max-groups-per-org");
        assertThatThrownBy(() -> parse("--max-roles-per-org", "many")).hasMessageContaining("--max-roles-per-org");
    }
}
