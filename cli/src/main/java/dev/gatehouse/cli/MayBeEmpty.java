package dev.gatehouse.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an option whose empty value means something ({@code --description ""} clears a role's description,
 * {@code --permission ""} grants none): {@link BlankValues} lets it through. Every other option and argument given
 * empty is refused.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
@interface MayBeEmpty {
}
