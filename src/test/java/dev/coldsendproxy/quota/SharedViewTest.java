package dev.coldsendproxy.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The budget as all replicas spent it, built from a status as the ledger returns it: each
 * consumer's remaining units are the smaller of its share's and the key's, in the tighter window
 * (with both spent, the one that frees a unit later), and the reset is when that window frees a
 * unit. No Redis, no clock: explicit nanosecond times.
 */
class SharedViewTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final int PER_MINUTE = 10;
    private static final int PER_HOUR = 100;
    /** An arbitrary read time far from 0, so that a sum mistaken for a difference shows. */
    private static final long READ_AT = 7_000 * SECOND;
    private static final long VALID_FOR = 30 * SECOND;

    private static final LeaseLedger.ShareLimits A = new LeaseLedger.ShareLimits("a", 5, 50);

    @Test
    void remainingIsWhatTheShareHasLeftWhenTheShareIsTighterThanTheKey() {
        SharedView view = view(status(w(4, 20_000), w(20, 1_000_000), w(2, 30_000), w(10, 2_000_000)), A);

        Budget a = view.budget("a");

        assertThat(a.limit()).isEqualTo(5);
        assertThat(a.remaining()).as("3 left of the share, 6 of the key").isEqualTo(3);
        assertThat(a.windowSeconds()).isEqualTo(60);
        assertThat(a.resetAtNanos()).as("the share's oldest unit frees").isEqualTo(READ_AT + 30_000 * MS);
        assertThat(a.validUntilNanos()).isEqualTo(READ_AT + VALID_FOR);
        assertThat(a.policy()).hasToString(Budget.policy(5, 50));
        assertThat(view.minuteLeft()).isEqualTo(6);
        assertThat(view.hourLeft()).isEqualTo(80);
    }

    @Test
    void remainingIsWhatTheKeyHasLeftWhenOtherConsumersSpentIt() {
        SharedView view = view(status(w(8, 15_000), w(20, 1_000_000), w(0, 0), w(0, 0)), A);

        Budget a = view.budget("a");

        assertThat(a.remaining()).as("5 left of the share, 2 of the key").isEqualTo(2);
        assertThat(a.windowSeconds()).isEqualTo(60);
        assertThat(a.resetAtNanos()).as("the key's oldest unit frees").isEqualTo(READ_AT + 15_000 * MS);
    }

    @Test
    void resetsAtTheReadWhenTheShareHasNothingInItsWindow() {
        SharedView view = view(status(w(3, 12_000), w(3, 12_000), w(0, 0), w(0, 0)), A);

        Budget a = view.budget("a");

        assertThat(a.remaining()).isEqualTo(5);
        assertThat(a.resetAtNanos()).as("the key's units are not what limits this share").isEqualTo(READ_AT);
    }

    @Test
    void reportsTheHourWhenItIsTheTighterWindow() {
        LeaseLedger.ShareLimits small = new LeaseLedger.ShareLimits("s", 5, 8);
        SharedView view = view(status(w(1, 10_000), w(6, 900_000), w(1, 10_000), w(6, 900_000)), small);

        Budget s = view.budget("s");

        assertThat(s.limit()).isEqualTo(8);
        assertThat(s.remaining()).as("4 left in the minute, 2 in the hour").isEqualTo(2);
        assertThat(s.windowSeconds()).isEqualTo(3600);
        assertThat(s.resetAtNanos()).isEqualTo(READ_AT + 900_000 * MS);
        assertThat(s.validUntilNanos()).isEqualTo(READ_AT + VALID_FOR);
        assertThat(s.policy()).hasToString(Budget.policy(5, 8));
    }

    @Test
    void reportsTheHourOfTheKeyWhenOtherConsumersSpentIt() {
        SharedView view = view(status(w(5, 20_000), w(100, 1_800_000), w(0, 0), w(0, 0)), A);

        Budget a = view.budget("a");

        assertThat(a.remaining()).isZero();
        assertThat(a.windowSeconds()).isEqualTo(3600);
        assertThat(a.resetAtNanos()).as("the key's oldest unit in the hour frees").isEqualTo(READ_AT + 1_800_000 * MS);
    }

    @Test
    void resetsTheHourAtTheReadWhenTheShareHasNothingInIt() {
        LeaseLedger.ShareLimits hourly = new LeaseLedger.ShareLimits("h", 5, 3);
        SharedView view = view(status(w(1, 5_000), w(10, 500_000), w(0, 0), w(0, 0)), hourly);

        Budget h = view.budget("h");

        assertThat(h.remaining()).isEqualTo(3);
        assertThat(h.windowSeconds()).isEqualTo(3600);
        assertThat(h.resetAtNanos()).isEqualTo(READ_AT);
    }

    @Test
    void reportsTheMinuteWhenBothWindowsHaveAsMuchLeft() {
        LeaseLedger.ShareLimits even = new LeaseLedger.ShareLimits("e", 5, 50);
        SharedView view = view(status(w(2, 10_000), w(47, 900_000), w(2, 10_000), w(47, 900_000)), even);

        Budget e = view.budget("e");

        assertThat(e.remaining()).isEqualTo(3);
        assertThat(e.windowSeconds()).isEqualTo(60);
        assertThat(e.resetAtNanos()).isEqualTo(READ_AT + 10_000 * MS);
    }

    @Test
    void withBothWindowsSpentReportsTheOneThatFreesAUnitLater() {
        SharedView hourLater = view(status(w(5, 20_000), w(50, 900_000), w(5, 20_000), w(50, 900_000)), A);
        SharedView minuteLater = view(status(w(5, 20_000), w(50, 10_000), w(5, 20_000), w(50, 10_000)), A);
        SharedView together = view(status(w(5, 20_000), w(50, 20_000), w(5, 20_000), w(50, 20_000)), A);

        assertThat(hourLater.budget("a").windowSeconds()).isEqualTo(3600);
        assertThat(hourLater.budget("a").remaining()).isZero();
        assertThat(hourLater.budget("a").resetAtNanos()).isEqualTo(READ_AT + 900_000 * MS);
        assertThat(minuteLater.budget("a").windowSeconds()).isEqualTo(60);
        assertThat(minuteLater.budget("a").resetAtNanos()).isEqualTo(READ_AT + 20_000 * MS);
        assertThat(together.budget("a").windowSeconds()).as("a tie goes to the minute").isEqualTo(60);
    }

    @Test
    void passesOnTheHoldAndWhetherColdsendWasOverloaded() {
        SharedView overloaded = view(new LeaseLedger.Status("e1", 0, 10_000, 503, keyOnly()));
        SharedView limited = view(new LeaseLedger.Status("e1", 0, 4_000, 429, keyOnly()));
        SharedView none = view(new LeaseLedger.Status("e1", 0, 0, 0, keyOnly()));

        assertThat(overloaded.holdUntil()).isEqualTo(READ_AT + 10 * SECOND);
        assertThat(overloaded.holdForOverload()).isTrue();
        assertThat(limited.holdUntil()).isEqualTo(READ_AT + 4 * SECOND);
        assertThat(limited.holdForOverload()).isFalse();
        assertThat(none.holdUntil()).as("not after the read: no hold").isEqualTo(READ_AT);
        assertThat(none.holdForOverload()).isFalse();
    }

    @Test
    void countsNothingLeftWhenTheKeyIsOverspent() {
        SharedView view = view(status(w(12, 1_000), w(130, 2_000)));

        assertThat(view.minuteLeft()).isZero();
        assertThat(view.hourLeft()).isZero();
    }

    @Test
    void isValidUntilItsValidityRunsOut() {
        SharedView view = view(status(w(0, 0), w(0, 0)));

        assertThat(view.valid(READ_AT)).isTrue();
        assertThat(view.valid(READ_AT + VALID_FOR - 1)).isTrue();
        assertThat(view.valid(READ_AT + VALID_FOR)).isFalse();
    }

    @Test
    void hasNoBudgetForAConsumerTheReadDidNotInclude() {
        SharedView view = view(status(w(0, 0), w(0, 0), w(0, 0), w(0, 0)), A);

        assertThat(view.budget("a")).isNotNull();
        assertThat(view.budget("stranger")).isNull();
    }

    @Test
    void leavesOutSharesTheReadHasNoWindowsFor() {
        LeaseLedger.ShareLimits b = new LeaseLedger.ShareLimits("b", 2, 20);

        SharedView view = view(status(w(1, 1_000), w(1, 1_000), w(1, 1_000), w(1, 1_000)), A, b);

        assertThat(view.budget("a").remaining()).isEqualTo(4);
        assertThat(view.budget("b")).isNull();
    }

    @Test
    void leavesOutAShareWhoseHourWindowTheReadCutShort() {
        LeaseLedger.ShareLimits b = new LeaseLedger.ShareLimits("b", 2, 20);

        SharedView view = view(status(w(1, 1_000), w(1, 1_000), w(1, 1_000), w(1, 1_000), w(1, 1_000)), A, b);

        assertThat(view.budget("a").remaining()).isEqualTo(4);
        assertThat(view.budget("b")).isNull();
    }

    @Test
    void ignoresWindowsBeyondTheSharesItWasGiven() {
        SharedView view = view(status(w(1, 1_000), w(1, 1_000), w(1, 1_000), w(1, 1_000), w(0, 0), w(0, 0)), A);

        assertThat(view.budget("a").remaining()).isEqualTo(4);
    }

    @Test
    void judgesEachShareOnItsOwnWindows() {
        LeaseLedger.ShareLimits b = new LeaseLedger.ShareLimits("b", 2, 20);

        SharedView view = view(status(w(3, 1_000), w(3, 1_000), w(2, 1_000), w(2, 1_000), w(1, 2_000), w(1, 2_000)), A, b);

        assertThat(view.budget("a").remaining()).isEqualTo(3);
        assertThat(view.budget("b").remaining()).isEqualTo(1);
        assertThat(view.budget("b").resetAtNanos()).isEqualTo(READ_AT + 2_000 * MS);
    }

    @Test
    void leavesNothingOfWhatTheLeasesHoldBackForReplicasAway() {
        SharedView view = view(new LeaseLedger.Status("e1", 0, 0, 0,
                List.of(w(4, 0), w(40, 0), w(0, 0), w(0, 0)), 1, 3, 33), A);

        assertThat(view.minuteLeft()).as("10 less 4 sent less 3 held back").isEqualTo(3);
        assertThat(view.hourLeft()).as("100 less 40 sent less 33 held back").isEqualTo(27);
        assertThat(view.budget("a").remaining()).isEqualTo(3);
    }

    private static LeaseLedger.Window w(int count, long nextFreeMillis) {
        return new LeaseLedger.Window(count, nextFreeMillis);
    }

    private static List<LeaseLedger.Window> keyOnly() {
        return List.of(w(0, 0), w(0, 0));
    }

    /** A status with no rebuild and no hold: the key's minute and hour, then each share's. */
    private static LeaseLedger.Status status(LeaseLedger.Window... windows) {
        return new LeaseLedger.Status("e1", 0, 0, 0, new ArrayList<>(List.of(windows)));
    }

    private static SharedView view(LeaseLedger.Status status, LeaseLedger.ShareLimits... shares) {
        return new SharedView(status, List.of(shares), PER_MINUTE, PER_HOUR, READ_AT, VALID_FOR);
    }
}
