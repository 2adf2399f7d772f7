package dev.gatehouse.http.close;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CloseIdsTest {

    @Test
    void encode_hasClosesPrefixAndLength() {
        assertThat(CloseIds.encode(CloseIds.ROLE, 1)).startsWith("role_").hasSize(5 + 43).matches("role_[0-9A-Za-z]{43}");
        assertThat(CloseIds.encode(CloseIds.MEMBERSHIP, 1)).matches("memb_[0-9A-Za-z]{43}");
        assertThat(CloseIds.encode(CloseIds.ORGANIZATION, 1)).matches("orga_[0-9A-Za-z]{43}");
        assertThat(CloseIds.encode(CloseIds.GROUP, 1)).matches("group_[0-9A-Za-z]{22}");
        assertThat(CloseIds.encode(CloseIds.EVENT, 1)).matches("ev_[0-9A-Za-z]{22}");
        assertThat(CloseIds.encode(CloseIds.WEBHOOK, 1)).matches("whsub_[0-9A-Za-z]{22}");
        assertThat(CloseIds.newUserId()).matches("user_[0-9A-Za-z]{43}");
    }

    @Test
    void decode_invertsEncode_forSmallAndHugeIds() {
        for (long id : new long[] {1, 2, 3, 1000, 123_456_789, Long.MAX_VALUE / 3, Long.MAX_VALUE}) {
            for (String prefix : new String[] {CloseIds.ROLE, CloseIds.MEMBERSHIP, CloseIds.GROUP, CloseIds.EVENT, CloseIds.WEBHOOK}) {
                assertThat(CloseIds.decode(prefix, CloseIds.encode(prefix, id))).isEqualTo(id);
            }
        }
    }

    @Test
    void consecutiveIds_doNotLookConsecutive() {
        Set<String> heads = new HashSet<>();
        for (long id = 1; id <= 1000; id++) {
            heads.add(CloseIds.encode(CloseIds.ROLE, id).substring(5, 8));
        }
        assertThat(heads).hasSizeGreaterThan(900);
    }

    @Test
    void decode_rejectsOtherTypesTyposAndMadeUpIds() {
        String role = CloseIds.encode(CloseIds.ROLE, 42);
        assertThat(CloseIds.decode(CloseIds.MEMBERSHIP, "memb_" + role.substring(5))).isEqualTo(-1);
        char last = role.charAt(role.length() - 1);
        String typo = role.substring(0, role.length() - 1) + (last == 'a' ? 'b' : 'a');
        assertThat(CloseIds.decode(CloseIds.ROLE, typo)).isEqualTo(-1);
        assertThat(CloseIds.decode(CloseIds.ROLE, "role_" + "x".repeat(43))).isEqualTo(-1);
        assertThat(CloseIds.decode(CloseIds.ROLE, "role_" + "z".repeat(43))).isEqualTo(-1);
        assertThat(CloseIds.decode(CloseIds.ROLE, "role_abc")).isEqualTo(-1);
        assertThat(CloseIds.decode(CloseIds.ROLE, "role_" + "!".repeat(43))).isEqualTo(-1);
        assertThat(CloseIds.decode(CloseIds.ROLE, null)).isEqualTo(-1);
    }
}
