package dev.gatehouse.group;

import java.util.List;

/**
 * One page of an organization's groups, ascending by id, each with its members ({@link GroupService#page}).
 *
 * @param groups   the groups of the page
 * @param cutShort whether the page ended before its limit because the members it holds reached their bound: more
 *                 groups follow it though it is not full
 */
public record GroupPage(List<Group> groups, boolean cutShort) {
    public GroupPage {
        groups = List.copyOf(groups);
    }
}
