package dev.gatehouse;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.AccessTarget.CodeUnitAccessTarget;
import com.tngtech.archunit.core.domain.AccessTarget.CodeUnitCallTarget;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.gatehouse.access.Access;
import dev.gatehouse.access.Caller;
import dev.gatehouse.app.Gatehouse;
import dev.gatehouse.assignment.LoggedAssignment;
import dev.gatehouse.changelog.PendingChange;
import dev.gatehouse.engine.DecisionEngine;
import dev.gatehouse.enginefeed.ChangeDecoder;
import dev.gatehouse.enginefeed.EngineLoader;
import dev.gatehouse.grant.LoggedGrants;
import dev.gatehouse.member.LoggedMember;
import dev.gatehouse.org.LoggedOrganization;
import dev.gatehouse.resource.LoggedResource;
import dev.gatehouse.role.LoggedRole;
import dev.gatehouse.room.RoomsPermissions;
import dev.gatehouse.store.SqlTime;
import dev.gatehouse.store.Store;
import dev.gatehouse.store.Tx;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The shape docs/architecture.md promises, checked on the compiled main classes: dialects (everything under
 * {@code http}) translate between their wire format and the services, and nothing more. They open no
 * transaction, run no SQL, write no change record and ask the engine nothing themselves; those belong to the
 * services (and, for decisions, to {@code decision/DecisionService}), where every API reaches the same rules.
 * The packages form no cycle, types are public only where another package uses them, and the engine depends on
 * the JDK alone.
 */
@AnalyzeClasses(packages = "dev.gatehouse", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** SQL and the database driver: JDBI, JDBC, and every feature's SQL store ({@code *Store}). */
    private static final DescribedPredicate<JavaClass> SQL = resideInAnyPackage("org.jdbi..", "java.sql..",
            "javax.sql..", "org.postgresql..", "com.zaxxer..")
            .or(resideInAPackage("dev.gatehouse..").and(simpleNameEndingWith("Store")))
            .or(belongToAnyOf(SqlTime.class))
            .as("SQL (JDBI, JDBC, a feature's store)");

    /** What opens a transaction or hands one out, and what appends to the change log inside one. */
    private static final DescribedPredicate<JavaClass> TRANSACTIONS = belongToAnyOf(Store.class, Tx.class,
            Access.class, Caller.class, PendingChange.class)
            .as("transactions and change-log writes (Store, Tx, Access, Caller, PendingChange)");

    @ArchTest
    static final ArchRule dialectsRunNoSql = noClasses().that().resideInAPackage("dev.gatehouse.http..")
            .should().dependOnClassesThat(SQL)
            .because("SQL lives in each feature's store, behind its service");

    @ArchTest
    static final ArchRule dialectsOpenNoTransactions = noClasses().that().resideInAPackage("dev.gatehouse.http..")
            .should().dependOnClassesThat(TRANSACTIONS)
            .because("a service opens the transaction, applies every rule in it and records the change");

    @ArchTest
    static final ArchRule dialectsAskTheEngineThroughTheDecisionService = noClasses()
            .that().resideInAPackage("dev.gatehouse.http..")
            .should().dependOnClassesThat(belongToAnyOf(DecisionEngine.class))
            .because("who may ask about whom, and which member a request names, are decided once, in "
                    + "decision/DecisionService");

    /**
     * The packages form layers: a package never depends, directly or around a loop, on one that depends on it.
     * Where a lower feature must reach a higher one it declares a small interface that the node wires (as
     * {@code member/MemberRemoval}, which groups implement).
     */
    @ArchTest
    static final ArchRule packagesFormNoCycles = slices().matching("dev.gatehouse.(*)..").should().beFreeOfCycles();

    /**
     * Package-private by default: a public type is one another package uses — names in a declaration or a body,
     * or meets in the signature of a method or constructor it calls. Apart are the node's own face ({@code app}:
     * the command line, the node, its configuration and the features tests reach in process), the engine module's
     * API, the one decoder and the loader (which the snapshot tests and the benchmarks drive), and the types other
     * packages read only compile-time constants of, which the compiler copies into the reader's bytecode: the
     * change-log codecs' field names (read by the decoder) and the Rooms model's id.
     */
    @ArchTest
    static void publicTypesAreUsedFromAnotherPackage(JavaClasses all) {
        classes().that().resideInAPackage("dev.gatehouse..").and().arePublic().and().areTopLevelClasses()
                .and().resideOutsideOfPackages("dev.gatehouse.app", "dev.gatehouse.engine..")
                .and(not(belongToAnyOf(ChangeDecoder.class, EngineLoader.class, LoggedOrganization.class,
                        LoggedRole.class, LoggedMember.class, LoggedAssignment.class, LoggedResource.class,
                        LoggedGrants.class, RoomsPermissions.class)))
                .should(new ArchCondition<>("be used from another package") {
                    @Override
                    public void check(JavaClass type, ConditionEvents events) {
                        if (!usedFromAnotherPackage(type, all)) {
                            events.add(SimpleConditionEvent.violated(type, type.getName() + " is public, but only "
                                    + type.getPackageName() + " uses it"));
                        }
                    }
                })
                .check(all);
    }

    private static boolean usedFromAnotherPackage(JavaClass type, JavaClasses all) {
        String own = type.getPackageName();
        if (type.getDirectDependenciesToSelf().stream()
                .anyMatch(d -> !d.getOriginClass().getPackageName().equals(own))) {
            return true;
        }
        // a call whose target's signature names the type: a value handed on without naming it (a return value passed
        // to a constructor, a method reference passed as a functional interface)
        for (JavaClass caller : all) {
            if (caller.getPackageName().equals(own)) {
                continue;
            }
            for (JavaCall<?> call : caller.getCodeUnitCallsFromSelf()) {
                CodeUnitCallTarget target = call.getTarget();
                if (target.getRawReturnType().equals(type) || target.getRawParameterTypes().contains(type)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A read of the wall clock, called or referenced: {@code now()} and the system clocks of {@code java.time}, … */
    private static final DescribedPredicate<JavaAccess<?>> READS_THE_SYSTEM_CLOCK = DescribedPredicate.describe(
            "reads the system clock (Instant.now(), System.currentTimeMillis(), Clock.systemUTC(), new Date(), ...)",
            access -> {
                String owner = access.getTargetOwner().getName();
                String name = access.getName();
                return owner.startsWith("java.time.") && (name.equals("now") || name.startsWith("system"))
                        || owner.equals("java.lang.System") && name.equals("currentTimeMillis")
                        || owner.equals("java.util.Date") && name.equals("<init>")
                        && access.getTarget() instanceof CodeUnitAccessTarget target
                        && target.getRawParameterTypes().isEmpty();
            });

    /**
     * One clock: production code reads the time from the node's {@code InstantSource}, which only the node itself
     * creates ({@code app/Gatehouse}), so tests can move it. {@code System.nanoTime()}, which measures durations,
     * is not a reading of the time.
     */
    @ArchTest
    static final ArchRule timeComesFromTheNodesClock = noClasses().that().resideInAPackage("dev.gatehouse..")
            .and().doNotBelongToAnyOf(Gatehouse.class)
            .should().accessTargetWhere(READS_THE_SYSTEM_CLOCK)
            .because("the node's clock is injected; a test advances it instead of sleeping");

    @ArchTest
    static final ArchRule engineDependsOnTheJdkAlone = classes().that().resideInAPackage("dev.gatehouse.engine..")
            .and().resideOutsideOfPackage("dev.gatehouse.engine.wire..")
            .should().onlyDependOnClassesThat(resideInAnyPackage("dev.gatehouse.engine..", "java..")
                    .and(not(resideInAnyPackage("java.sql..", "java.net.."))))
            .because("the engine is a module of its own that knows no HTTP, SQL or JSON: the server feeds it "
                    + "operations and asks it questions");

    @ArchTest
    static final ArchRule engineWireAddsJsonAlone = classes().that().resideInAPackage("dev.gatehouse.engine.wire..")
            .should().onlyDependOnClassesThat(resideInAnyPackage("dev.gatehouse.engine..", "java..", "tools.jackson..")
                    .and(not(resideInAnyPackage("java.sql..", "java.net.."))))
            .because("the wire codec writes and reads the engine's operations and catalogs as JSON, nothing more");

    @ArchTest
    static final ArchRule theDecisionPathKnowsNoJson = noClasses().that().resideInAPackage("dev.gatehouse.engine")
            .should().dependOnClassesThat().resideInAnyPackage("dev.gatehouse.engine.wire..", "tools.jackson..")
            .because("the check path stays free of the codec: only replication reads and writes JSON");
}
