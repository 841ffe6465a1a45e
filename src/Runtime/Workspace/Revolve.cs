using System;

namespace SymGrad
{
    /// <summary>What a <see cref="Revolve"/> schedule asks the loop's driver to do next.</summary>
    public enum RevolveAction
    {
        /// <summary>Run steps <see cref="Revolve.From"/> … <see cref="Revolve.To"/> − 1 forward, untaped, from the state of step <see cref="Revolve.From"/>.</summary>
        Advance,

        /// <summary>Push the loop's state (that of step <see cref="Revolve.From"/>) on the workspace tapes: a snapshot.</summary>
        Store,

        /// <summary>Pop the top snapshot back into the loop's state: the state of step <see cref="Revolve.From"/>.</summary>
        Restore,

        /// <summary>Run step <see cref="Revolve.From"/> taped, then its reversal (the state afterwards is not used again).</summary>
        Turn,

        /// <summary>
        /// Run the reversal of step <see cref="Revolve.From"/>, whose taped run is done already: the first turn of a schedule
        /// started by <see cref="Revolve.NextForward"/>, taped where the forward sweep left it.
        /// </summary>
        Reverse,
    }

    /// <summary>
    /// A binomial checkpointing schedule (Griewank and Walther's Revolve, ACM TOMS Algorithm 799) for reversing a loop of
    /// <see cref="Steps"/> steps while holding at most <see cref="Snapshots"/> copies of its state at once: the driver asks
    /// <see cref="Next"/> for an action until it returns false, and each step is reversed exactly once, last step first.
    /// <para>
    /// Protocol: before the schedule starts, the caller has pushed the state at the loop's start (step 0) — that snapshot is
    /// one of the budget. Snapshots are a stack on the workspace tapes: <see cref="RevolveAction.Store"/> pushes, <see cref="RevolveAction.Restore"/>
    /// pops (a snapshot still needed is stored again right after). The last action restores step 0's state and leaves the
    /// tapes as they were before that first push, so the statements before the loop see the values they left.
    /// </para>
    /// <para>
    /// With c snapshots and r the smallest integer with C(c + r, c) ≥ n, the schedule runs r·n − C(c + r, c − 1) untaped
    /// forward steps, the fewest possible (Griewank 1992), plus one taped step per step. It allocates nothing: the positions
    /// of the snapshots held live in a span the caller provides (<see cref="Workspace.Revolve"/> rents it from the workspace).
    /// </para>
    /// </summary>
    public ref struct Revolve
    {
        private readonly Span<int> _held;
        private int _count;
        private int _current;
        private bool _currentHeld;
        private int _end;
        private bool _pending;

        /// <summary>A schedule for <paramref name="steps"/> steps with <paramref name="snapshots"/> snapshots (0: <see cref="DefaultSnapshots"/>).</summary>
        /// <param name="steps">The loop's trip count.</param>
        /// <param name="snapshots">The most snapshots of the loop's state held at once, that of its start included; 0 for automatic.</param>
        /// <param name="positions">Room for the positions of the snapshots held: <see cref="PositionsLength"/> elements.</param>
        public Revolve(int steps, int snapshots, Span<int> positions)
        {
            if (steps < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(steps), steps, "A loop cannot run a negative number of steps.");
            }

            if (snapshots < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(snapshots), snapshots, "The number of snapshots is 0 (automatic) or positive.");
            }

            Steps = steps;
            Snapshots = Budget(steps, snapshots);
            if (positions.Length < Snapshots)
            {
                throw new ArgumentException($"The schedule needs room for {Snapshots} snapshot positions.", nameof(positions));
            }

            _held = positions;
            _held[0] = 0; // the caller's snapshot of the loop's start
            _count = 1;
            _current = -1;
            _currentHeld = false;
            _end = steps;
            _pending = false;
            Action = RevolveAction.Restore;
            From = To = 0;
            ForwardSteps = 0;
            MaxHeld = 1;
        }

        /// <summary>The number of steps of the loop.</summary>
        public int Steps { get; }

        /// <summary>The most snapshots held at once (the one of the loop's start included): the budget asked for, at most <see cref="Steps"/> + 1.</summary>
        public int Snapshots { get; }

        /// <summary>The action to carry out, valid after <see cref="Next"/> returned true.</summary>
        public RevolveAction Action { get; private set; }

        /// <summary>The step the action starts from: the first step advanced, the step stored or restored, the step turned.</summary>
        public int From { get; private set; }

        /// <summary>For <see cref="RevolveAction.Advance"/>: one past the last step run (the state then is that of step <see cref="To"/>).</summary>
        public int To { get; private set; }

        /// <summary>The untaped forward steps the schedule has asked for so far.</summary>
        public long ForwardSteps { get; private set; }

        /// <summary>The most snapshots held at once so far.</summary>
        public int MaxHeld { get; private set; }

        /// <summary>How many positions <see cref="Revolve(int, int, Span{int})"/> needs room for.</summary>
        public static int PositionsLength(int steps, int snapshots) => Budget(Math.Max(steps, 0), Math.Max(snapshots, 0));

        /// <summary>
        /// The snapshots used when none are asked for: the fewest with which no step is run forward more than three times
        /// untaped (r ≤ 3, about ∛(6n): 390 for 10⁷ steps). The state of a loop is a few scalars, so this is a few kilobytes.
        /// </summary>
        public static int DefaultSnapshots(int steps)
        {
            int c = 1;
            while (c <= steps && Beta(c, 3) < steps)
            {
                c = Math.Max(c + 1, c + c / 8);
            }

            // The growth above overshoots by at most an eighth: step back to the fewest that still reach.
            while (c > 1 && Beta(c - 1, 3) >= steps)
            {
                c--;
            }

            return c;
        }

        /// <summary>The fewest untaped forward steps that reverse <paramref name="steps"/> steps with <paramref name="snapshots"/> snapshots.</summary>
        public static long OptimalForwardSteps(int steps, int snapshots)
        {
            if (steps <= 1)
            {
                return 0;
            }

            int c = Budget(steps, snapshots);
            if (c == 1)
            {
                return (long)steps * (steps - 1) / 2;
            }

            int r = Repetitions(steps, c);
            return (long)r * steps - Beta(c + 1, r - 1);
        }

        /// <summary>
        /// A schedule whose loop has not run yet: the state is the loop's start (pushed as the first snapshot), so the
        /// schedule's own first sweep is the loop's forward run. A negative trip count (a loop that runs no step) is 0.
        /// </summary>
        public static Revolve FromStart(int steps, int snapshots, Span<int> positions)
        {
            var revolve = new Revolve(Math.Max(steps, 0), snapshots, positions);
            revolve._current = 0;
            revolve._currentHeld = true;
            return revolve;
        }

        /// <summary>
        /// For a schedule <see cref="FromStart"/>, in the forward sweep: asks for the next action up to the first turn, and
        /// returns false there, with <see cref="Action"/> <see cref="RevolveAction.Turn"/> (the last step, which the forward
        /// sweep then runs taped) or at the end (a loop of no step). <see cref="Next"/> goes on from there in the reverse
        /// sweep, first with <see cref="RevolveAction.Reverse"/> of that step.
        /// </summary>
        public bool NextForward()
        {
            if (!Next())
            {
                return false;
            }

            _pending = Action == RevolveAction.Turn;
            return !_pending;
        }

        /// <summary>Asks for the next action; false when every step has been reversed and the start's state restored.</summary>
        public bool Next()
        {
            if (_pending)
            {
                _pending = false;
                Action = RevolveAction.Reverse;
                return true;
            }

            if (_end == 0)
            {
                _current = -1; // every step reversed: the start's snapshot goes back last
            }

            if (_current < 0)
            {
                if (_count == 0)
                {
                    return false;
                }

                // The state is spent (a turn, or the start): back to the latest snapshot.
                _current = _held[--_count];
                _currentHeld = false;
                Set(RevolveAction.Restore, _current, _current);
                return true;
            }

            // A snapshot still needed after the next turn is stored again (the start's is kept to the end).
            if (!_currentHeld && (_current < _end - 1 || _current == 0))
            {
                _held[_count++] = _current;
                _currentHeld = true;
                MaxHeld = Math.Max(MaxHeld, _count);
                Set(RevolveAction.Store, _current, _current);
                return true;
            }

            if (_current == _end - 1)
            {
                Set(RevolveAction.Turn, _current, _current + 1);
                _end--;
                _current = -1;
                return true;
            }

            // Forward to the next snapshot's step, or, with no snapshot left to spare, to the step before the next turn.
            int length = _end - _current;
            int free = Snapshots - _count + 1;
            int target = free <= 1 ? _end - 1 : _current + Split(length, free);
            Set(RevolveAction.Advance, _current, target);
            ForwardSteps += target - _current;
            _current = target;
            _currentHeld = false;
            return true;
        }

        private void Set(RevolveAction action, int from, int to)
        {
            Action = action;
            From = from;
            To = to;
        }

        private static int Budget(int steps, int snapshots)
        {
            int c = snapshots == 0 ? DefaultSnapshots(steps) : snapshots;
            return (int)Math.Min(c, (long)steps + 1);
        }

        /// <summary>
        /// Where to put the next snapshot in a range of <paramref name="length"/> steps whose start is held, with
        /// <paramref name="snapshots"/> snapshots for it (that one included). With r its repetition number, the total stays
        /// optimal when the right part is reversible with one snapshot fewer in r repetitions and the left part needs r − 1
        /// with all of them: the offset lies in [max(β(c, r − 2), n − β(c − 1, r)), min(β(c, r − 1), n − β(c − 1, r − 1))];
        /// the schedule takes its low end (checked against the brute-force recurrence in the tests).
        /// </summary>
        private static int Split(int length, int snapshots)
        {
            int r = Repetitions(length, snapshots);
            long low = Math.Max(Beta(snapshots, r - 2), length - Beta(snapshots - 1, r));
            return (int)Math.Max(1, low);
        }

        /// <summary>The smallest r with C(c + r, c) ≥ n: how often, at most, a step is run forward untaped.</summary>
        private static int Repetitions(int n, int c)
        {
            int r = 0;
            Int128 beta = 1; // C(c + 0, c)
            while (beta < n)
            {
                r++;
                beta = beta * (c + r) / r;
            }

            return r;
        }

        /// <summary>C(c + r, c), the most steps c snapshots reverse with each step run forward at most r times; saturated above 2⁶².</summary>
        private static long Beta(int c, int r)
        {
            if (c < 0 || r < 0)
            {
                return 0;
            }

            Int128 beta = 1;
            for (int i = 1; i <= r; i++)
            {
                beta = beta * (c + i) / i;
                if (beta > (Int128)1 << 62)
                {
                    return 1L << 62;
                }
            }

            return (long)beta;
        }
    }
}
