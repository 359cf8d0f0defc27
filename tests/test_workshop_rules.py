"""The pure rules of a Working Together for Change workshop: edits from a stale screen, theme
statements and tags, vote budgets, closing and ties, the stage rules, bulk paste and the rows of
an imported spreadsheet."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from culturetool.domain.errors import InputProblem, NotFound
from culturetool.domain.kinds import ActionTimescale
from culturetool.domain.limits import (
    MAX_COLLECTION_DAYS,
    MAX_PASTED_ENTRIES,
    MAX_TABLES,
    MAX_VOTES_PER_PARTICIPANT,
    WORKSHOP_ENTRY_LENGTH,
)
from culturetool.domain.workshop.board import Board, Conflict, Theme, themes_per_condition
from culturetool.domain.workshop.intake import (
    MAX_LISTED_PROBLEMS,
    TEMPLATE,
    EntryProblems,
    ImportedEntry,
    entry_rows,
    pasted_entries,
    redacted_entry,
)
from culturetool.domain.workshop.kinds import Channel, EntryKind, Perspective, Stage, Viewpoint
from culturetool.domain.workshop.kinds import VotingState as Voting
from culturetool.domain.workshop.stages import (
    CollectionLink,
    check_action,
    check_chosen,
    check_collection_link,
    check_days,
    check_link_takes_answers,
    check_parked_issue,
    check_root_cause,
    check_stage_move,
    check_success_statement,
    check_tables,
    collected_answers,
    custom_perspective,
    perspective_label,
    top_themes,
)
from culturetool.domain.workshop.votes import (
    RankedTheme,
    VoteRules,
    VotingNotOpen,
    add_vote,
    check_ballot,
    check_budget,
    check_table_votes,
    close_voting,
    default_ballot,
    open_voting,
    ranking,
    take_back_vote,
    votes_left,
)

WELL, NOT_WELL, FUTURE = EntryKind.WORKING_WELL, EntryKind.NOT_WORKING_WELL, EntryKind.FUTURE


def a_board() -> Board:
    """Entries 1-3 working well, 4-6 not working well, 7 for the future; themes 10 (1, 2) and
    20 (4, 5), each at version 1."""
    kinds = {1: WELL, 2: WELL, 3: WELL, 4: NOT_WELL, 5: NOT_WELL, 6: NOT_WELL, 7: FUTURE}
    board = Board(kinds).make_theme({1, 2}, 10, {})
    return board.make_theme({4, 5}, 20, {})


# Two facilitators, one board: an edit made on a stale screen is refused, never lost.


def test_an_edit_from_a_screen_showing_an_older_version_is_refused():
    board = a_board()
    mine = board.set_statement(10, "Having a break when I need it", {10: 1})
    assert mine.themes[10].version == 2
    with pytest.raises(Conflict, match="Another facilitator has just changed the theme"):
        mine.put_in_theme({3}, 10, {10: 1})  # the other screen still shows version 1
    assert mine.put_in_theme({3}, 10, {10: 2}).themes[10].entry_ids == {1, 2, 3}


def test_edits_to_different_themes_do_not_refuse_each_other():
    board = a_board()
    first = board.set_statement(10, "I can see my friends", {10: 1})
    second = first.set_statement(20, "We wait too long to hear back", {20: 1})
    assert second.themes[10].statement == "I can see my friends"
    assert second.themes[20].version == 2


def test_taking_an_entry_someone_else_has_just_themed_is_refused():
    board = a_board()
    other = board.make_theme({3}, 11, {})  # another facilitator themes entry 3
    with pytest.raises(Conflict):
        other.make_theme({3}, 12, {})  # this screen still shows 3 unthemed


def test_working_on_a_theme_someone_else_has_just_merged_away_is_refused():
    board = a_board().make_theme({3}, 11, {})
    merged = board.merge(10, {11}, {10: 1, 11: 1})
    with pytest.raises(Conflict, match="merged or deleted by another facilitator"):
        merged.set_statement(11, "I feel listened to", {11: 1})
    with pytest.raises(NotFound):
        merged.set_statement(99, "I feel listened to", {})


def test_a_refused_edit_leaves_the_board_as_it_was():
    board = a_board()
    with pytest.raises(InputProblem):
        board.put_in_theme({6}, 10, {10: 1, 20: 1})  # not working well into working well
    assert board.themes[10].entry_ids == {1, 2} and board.unthemed() == [3, 6, 7]


# The board's rules.


def test_a_theme_holds_one_kind_of_entry():
    with pytest.raises(InputProblem, match="what is working well and what is not working well"):
        a_board().make_theme({3, 6}, 11, {})
    with pytest.raises(InputProblem, match="Only themes of the same kind can be merged"):
        a_board().merge(10, {20}, {10: 1, 20: 1})


def test_moving_merging_splitting_and_deleting_keep_every_entry():
    board = a_board().make_theme({3}, 11, {})
    moved = board.put_in_theme({2}, 11, {10: 1, 11: 1})
    assert moved.themes[10].entry_ids == {1} and moved.themes[11].entry_ids == {2, 3}
    merged = moved.merge(11, {10}, {10: 2, 11: 2})
    assert set(merged.themes) == {11, 20} and merged.themes[11].entry_ids == {1, 2, 3}
    split = merged.split(11, {1}, 12, {11: 3})
    assert split.themes[11].entry_ids == {2, 3} and split.themes[12].entry_ids == {1}
    deleted = split.delete_theme(11, {11: 4})
    assert deleted.unthemed() == [2, 3, 6, 7] and deleted.unthemed(WELL) == [2, 3]


def test_a_merged_theme_keeps_every_condition_and_a_statement():
    board = a_board().make_theme({3}, 11, {})
    board = board.set_statement(11, "I can get out and about", {11: 1})
    board = board.set_conditions(11, {"awareness"}, {"awareness", "leadership"}, {11: 2})
    board = board.set_conditions(10, {"leadership"}, {"awareness", "leadership"}, {10: 1})
    merged = board.merge(10, {11}, {10: 2, 11: 3})
    assert merged.themes[10].statement == "I can get out and about"  # 10 had none
    assert merged.themes[10].condition_ids == {"awareness", "leadership"}


def test_only_a_themes_own_entries_can_be_split_off():
    with pytest.raises(InputProblem, match="1 of the entries you chose is somewhere else"):
        a_board().split(10, {1, 3}, 11, {10: 1})


def test_a_statement_is_in_the_first_person_and_tidied():
    board = a_board()
    tidied = board.set_statement(10, "  I want   to connect\nwith people like me ", {10: 1})
    assert tidied.themes[10].statement == "I want to connect with people like me"
    assert board.set_statement(10, "We’ve got a lot of support", {10: 1}).themes[10].statement
    with pytest.raises(InputProblem, match="I, me, my, we, us or our"):
        board.set_statement(10, "Better joined-up services", {10: 1})
    with pytest.raises(InputProblem, match="Please write"):
        board.set_statement(10, "   ", {10: 1})
    with pytest.raises(InputProblem, match="please keep it to 200"):
        board.set_statement(10, "I want " + "x" * 200, {10: 1})


def test_conditions_are_checked_against_the_model_and_counted_for_recommendations():
    known = {"awareness", "confident_staff"}
    board = a_board()
    with pytest.raises(InputProblem, match="no condition “courage”"):
        board.set_conditions(10, {"courage", "awareness"}, known, {10: 1})
    board = board.set_conditions(10, {"awareness", "confident_staff"}, known, {10: 1})
    board = board.set_conditions(20, {"confident_staff"}, known, {20: 1})
    assert themes_per_condition(board.themes.values()) == {"awareness": 1, "confident_staff": 2}
    assert board.set_conditions(10, set(), known, {10: 2}).themes[10].condition_ids == set()


def test_a_board_cannot_be_built_with_an_entry_in_two_themes():
    with pytest.raises(ValueError, match="entry 1 is in themes"):
        Board(
            {1: WELL},
            {
                10: Theme(10, WELL, frozenset({1})),
                11: Theme(11, WELL, frozenset({1})),
            },
        )


def test_entries_collected_later_join_the_board_unthemed():
    board = a_board().with_entries({8: FUTURE})
    assert board.unthemed(FUTURE) == [7, 8] and board.theme_of(8) is None
    with pytest.raises(ValueError, match="already on the board"):
        board.with_entries({8: WELL})


# Votes.


def rules(state: Voting = Voting.OPEN, budget: int = 3, per_theme: int = 2) -> VoteRules:
    return VoteRules(budget=budget, per_theme=per_theme, themes=frozenset({20, 21}), state=state)


def test_a_participant_cannot_exceed_their_budget():
    ballot: dict[int, int] = {}
    for theme in (20, 20, 21):
        ballot = add_vote(ballot, theme, rules())
    assert ballot == {20: 2, 21: 1} and votes_left(ballot, rules()) == 0
    with pytest.raises(InputProblem, match="used all 3 of your votes"):
        add_vote(ballot, 21, rules())
    with pytest.raises(InputProblem, match="That is 4 votes; each person has 3"):
        check_ballot({20: 1, 21: 3}, rules(per_theme=3))
    check_ballot({20: 1, 21: 2}, rules())


def test_a_participant_can_take_a_vote_back_and_give_it_elsewhere():
    ballot = take_back_vote({20: 2, 21: 1}, 20, rules())
    assert ballot == {20: 1, 21: 1} and votes_left(ballot, rules()) == 1
    assert take_back_vote({20: 1}, 20, rules()) == {}
    with pytest.raises(InputProblem, match="no vote on this theme"):
        take_back_vote({}, 20, rules())


def test_one_theme_takes_no_more_than_the_per_theme_cap():
    with pytest.raises(InputProblem, match="the most one person can give"):
        add_vote({20: 2}, 20, rules())
    with pytest.raises(InputProblem, match="more than the 2"):
        check_ballot({20: 3}, rules(budget=3, per_theme=2))


def test_votes_only_while_voting_is_open():
    with pytest.raises(VotingNotOpen, match="has not started yet"):
        add_vote({}, 20, rules(Voting.NOT_OPEN))
    with pytest.raises(VotingNotOpen, match="Voting has closed"):
        add_vote({}, 20, rules(Voting.CLOSED))
    with pytest.raises(VotingNotOpen):
        check_table_votes("Table 1", 2, {20: 1}, rules(Voting.CLOSED))
    with pytest.raises(VotingNotOpen):
        take_back_vote({20: 1}, 20, rules(Voting.CLOSED))


def test_voting_opens_once_and_once_closed_stays_closed():
    assert open_voting(Voting.NOT_OPEN, {20, 21}) == Voting.OPEN
    with pytest.raises(InputProblem, match="at least two themes"):
        open_voting(Voting.NOT_OPEN, {20})
    assert close_voting(Voting.OPEN) == Voting.CLOSED
    with pytest.raises(InputProblem, match="cannot be opened again"):
        open_voting(Voting.CLOSED, {20, 21})
    with pytest.raises(InputProblem, match="not open"):
        close_voting(Voting.NOT_OPEN)


def test_only_themes_on_the_ballot_take_votes():
    with pytest.raises(InputProblem, match="not one of those being voted on"):
        add_vote({}, 10, rules())


def test_a_tables_votes_fit_its_people_times_the_budget():
    check_table_votes("Table 2", 3, {20: 6, 21: 3}, rules())  # 3 people x 3 votes
    with pytest.raises(InputProblem, match="Table 2 has 3 people voting with 3 votes each, so 9"):
        check_table_votes("Table 2", 3, {20: 6, 21: 4}, rules())
    with pytest.raises(InputProblem, match="more than the 6"):
        check_table_votes("Table 2", 3, {20: 7}, rules())  # 3 people x 2 per theme
    with pytest.raises(InputProblem, match="between 1 and"):
        check_table_votes("Table 2", 0, {}, rules())
    with pytest.raises(InputProblem, match="less than 0"):
        check_table_votes("Table 2", 1, {20: -1, 21: 3}, rules())


def test_the_budget_a_facilitator_sets_is_checked():
    check_budget(5, 2)
    with pytest.raises(InputProblem, match=f"between 1 and {MAX_VOTES_PER_PARTICIPANT} votes"):
        check_budget(MAX_VOTES_PER_PARTICIPANT + 1, 1)
    with pytest.raises(InputProblem, match="between 1 and their 5 votes"):
        check_budget(5, 6)


def test_the_ballot_is_the_not_working_well_themes_by_default():
    board = a_board().make_theme({6}, 21, {}).make_theme({7}, 30, {})
    assert default_ballot(board) == {20, 21}
    emptied = board.take_out({6}, {21: 1})  # a theme with no entries left is not voted on
    assert default_ballot(emptied) == {20}


def test_ties_share_a_rank_and_the_next_rank_counts_the_themes_above():
    phones = [{20: 2, 21: 1}, {21: 2, 22: 1}]
    table = {22: 1, 23: 1}
    result = ranking([20, 21, 22, 23, 24], [*phones, table])
    assert result == [
        RankedTheme(21, 3, rank=1, tied=False),
        RankedTheme(20, 2, rank=2, tied=True),
        RankedTheme(22, 2, rank=2, tied=True),
        RankedTheme(23, 1, rank=4, tied=False),  # three themes got more
        RankedTheme(24, 0, rank=5, tied=False),  # unvoted themes are still listed
    ]
    assert top_themes(result, 2) == {21, 20, 22}  # a tie at the cut-off brings both in
    with pytest.raises(ValueError):
        ranking([20], [{99: 1}])


def test_the_themes_to_address_are_chosen_from_those_voted_on():
    assert check_chosen([21, 22], on_ballot=[20, 21, 22]) == {21, 22}
    with pytest.raises(InputProblem, match="at least one theme"):
        check_chosen([], on_ballot=[20, 21])
    with pytest.raises(InputProblem, match="Only themes that were voted on"):
        check_chosen([21, 30], on_ballot=[20, 21])


# Stage rules.


def test_stages_move_on_one_at_a_time_and_can_go_back():
    assert check_stage_move(Stage.COLLECT, Stage.THEME) == Stage.THEME
    assert check_stage_move(Stage.PLAN, Stage.COLLECT) == Stage.COLLECT
    with pytest.raises(InputProblem, match="finish “Collect” and move on to “Theme”"):
        check_stage_move(Stage.COLLECT, Stage.UNDERSTAND)


def test_a_workshop_has_at_least_one_day_and_a_number_of_tables():
    second, first = dt.date(2026, 3, 12), dt.date(2026, 3, 10)
    assert check_days([second, first, second]) == (first, second)
    with pytest.raises(InputProblem, match="Give the day"):
        check_days([])
    assert check_tables(8) == 8
    with pytest.raises(InputProblem, match=f"between 1 and {MAX_TABLES}"):
        check_tables(MAX_TABLES + 1)
    with pytest.raises(InputProblem, match="between 1 and"):
        check_tables(0)


def test_a_parked_issue_needs_someone_to_follow_it_up():
    parked = check_parked_issue(" The transport contract ", " Simon ")
    assert (parked.issue, parked.owner) == ("The transport contract", "Simon")
    with pytest.raises(InputProblem, match="who will follow it up"):
        check_parked_issue("The transport contract", "")
    with pytest.raises(InputProblem, match="write the issue down"):
        check_parked_issue(None, "Simon")


def test_root_causes_are_only_for_what_is_not_working_well():
    board = a_board()
    cause = check_root_cause(board.themes[20], " Nobody calls back  when they say ")
    assert cause == "Nobody calls back when they say"
    with pytest.raises(InputProblem, match="Root causes are for themes of what is not working"):
        check_root_cause(board.themes[10], "Good neighbours")


def test_success_statements_are_for_chosen_themes_each_from_a_perspective():
    taking_part = {Perspective.CARERS, Perspective.COMMISSIONERS, "Young carers"}
    text = check_success_statement(20, {20}, "Young carers", taking_part, "I know who to call")
    assert text == "I know who to call"
    with pytest.raises(InputProblem, match="themes chosen to address"):
        check_success_statement(21, {20}, Perspective.CARERS, taking_part, "I know who to call")
    with pytest.raises(InputProblem, match="whose perspective"):
        check_success_statement(20, {20}, None, taking_part, "I know who to call")
    with pytest.raises(InputProblem, match="perspectives taking part"):
        check_success_statement(20, {20}, Perspective.STAFF, taking_part, "I know who to call")
    with pytest.raises(InputProblem, match="as that person would say it"):
        check_success_statement(20, {20}, Perspective.CARERS, taking_part, "Calls returned")


def test_a_workshop_adds_perspectives_of_its_own():
    assert custom_perspective(" Young  carers ", ["Housing officers"]) == "Young carers"
    with pytest.raises(InputProblem, match="already one of"):
        custom_perspective("carers and family", [])
    with pytest.raises(InputProblem, match="already one of"):
        custom_perspective("HOUSING OFFICERS", ["Housing officers"])
    assert perspective_label(Perspective.PEOPLE) == "People who draw on care and support"
    assert perspective_label("Young carers") == "Young carers"


def test_an_action_needs_an_owner_a_viewpoint_and_a_timescale():
    action = check_action(20, {20}, "A carers' bus ", " Ali ", "community", "three_months")
    assert (action.title, action.owner) == ("A carers' bus", "Ali")
    assert (action.viewpoint, action.timescale) == (
        Viewpoint.COMMUNITY,
        ActionTimescale.THREE_MONTHS,
    )
    with pytest.raises(InputProblem, match="who will make sure"):
        check_action(20, {20}, "A carers' bus", "  ", "community", "first_week")
    with pytest.raises(InputProblem, match="traditional, community or radical"):
        check_action(20, {20}, "A carers' bus", "Ali", "sideways", "first_week")
    with pytest.raises(InputProblem, match="first week, within three months or within six"):
        check_action(20, {20}, "A carers' bus", "Ali", "radical", ActionTimescale.DATE)
    with pytest.raises(InputProblem, match="themes chosen to address"):
        check_action(10, {20}, "A carers' bus", "Ali", "radical", "first_week")


TODAY = dt.date(2026, 3, 2)


def test_a_collection_link_has_a_size_limit_and_a_last_day():
    check_collection_link(200, TODAY + dt.timedelta(MAX_COLLECTION_DAYS), TODAY)
    with pytest.raises(InputProblem, match="between 1 and 2,000"):
        check_collection_link(0, TODAY, TODAY)
    with pytest.raises(InputProblem, match="has passed"):
        check_collection_link(200, TODAY - dt.timedelta(1), TODAY)
    with pytest.raises(InputProblem, match="92 days at most; choose a last day on or before"):
        check_collection_link(200, TODAY + dt.timedelta(MAX_COLLECTION_DAYS + 1), TODAY)


def test_a_collection_link_stops_taking_answers_when_full_or_past_its_last_day():
    link = CollectionLink(most_responses=2, last_day=TODAY)
    check_link_takes_answers(link, 1, TODAY)  # the last day itself is open
    with pytest.raises(InputProblem, match="closed on 2 Mar 2026"):
        check_link_takes_answers(link, 0, TODAY + dt.timedelta(1))
    with pytest.raises(InputProblem, match="all the answers it can take"):
        check_link_takes_answers(link, 2, TODAY)


def test_a_persons_answers_become_entries_two_per_question_blanks_left_out():
    entries = collected_answers(
        {WELL: [" Having a break when I need it", ""], NOT_WELL: [None, "Face to face"]}
    )
    assert entries == [(WELL, "Having a break when I need it"), (NOT_WELL, "Face to face")]
    with pytest.raises(InputProblem, match="at least one answer"):
        collected_answers({WELL: ["  ", None]})
    with pytest.raises(InputProblem, match="The second answer about what is important for the"):
        collected_answers({FUTURE: ["Care for my son", "x" * (WORKSHOP_ENTRY_LENGTH + 1)]})


# Bulk paste.


def test_a_paste_is_one_entry_per_line_with_blank_lines_skipped():
    text = "  Getting to talk to people\tface to face \r\n\n   \nNot knowing who to call\n"
    assert pasted_entries(text) == [
        "Getting to talk to people face to face",
        "Not knowing who to call",
    ]


def test_a_paste_with_a_bad_line_is_refused_whole_naming_each_line():
    text = "Fine\n\n" + "x" * (WORKSHOP_ENTRY_LENGTH + 1) + "\nAlso fine\nHidden\u202echaracters"
    with pytest.raises(EntryProblems) as refused:
        pasted_entries(text)
    assert refused.value.problems == [
        f"Line 3: the entry is {WORKSHOP_ENTRY_LENGTH + 1} characters long; please keep it to "
        f"{WORKSHOP_ENTRY_LENGTH}.",
        "Line 5: the entry contains characters that cannot be shown; please retype it.",
    ]
    with pytest.raises(EntryProblems, match="Paste the entries first"):
        pasted_entries(" \n \n")
    with pytest.raises(EntryProblems, match=f"one paste can take {MAX_PASTED_ENTRIES}"):
        pasted_entries("An entry\n" * (MAX_PASTED_ENTRIES + 1))


def test_a_redacted_entry_keeps_only_the_new_words():
    original = "Sam at the day centre helped me"
    assert redacted_entry(original, " [name] at the day centre helped me") == (
        "[name] at the day centre helped me"
    )
    with pytest.raises(InputProblem, match="reads the same as before"):
        redacted_entry(original, "Sam at the day  centre helped me")
    with pytest.raises(InputProblem, match="without the name"):
        redacted_entry(original, "")


# Rows of an imported spreadsheet (CSV or XLSX alike).

PERSPECTIVES = {Perspective.CARERS.value: Perspective.CARERS.label, "Young carers": "Young carers"}


def test_good_rows_give_every_entry_with_its_row_number():
    rows = [
        ["Kind", "Entry", "Channel", "Perspective", None],
        ["working well", "Having a break when I need it", "Easy read", "carers and family"],
        [None, None, None],
        ["Not_Working_Well", "Face to face", "sign language video", None],
        ["important for the future", 42.0, "paper", "young carers"],
    ]
    report = entry_rows(rows, PERSPECTIVES)
    assert report.accepted and report.all_problems() == []
    assert report.entries == [
        ImportedEntry(2, WELL, "Having a break when I need it", Channel.EASY_READ, "carers"),
        ImportedEntry(4, NOT_WELL, "Face to face", Channel.SIGN_LANGUAGE_VIDEO, None),
        ImportedEntry(5, FUTURE, "42", Channel.PAPER, "Young carers"),
    ]


def test_the_template_a_facilitator_downloads_is_accepted():
    report = entry_rows(list(csv.reader(io.StringIO(TEMPLATE))), PERSPECTIVES)
    assert report.accepted and len(report.entries) == 3


def test_one_bad_row_rejects_the_whole_file_and_the_report_names_it():
    rows = [
        ["kind", "entry", "channel"],
        ["working well", "Having a break when I need it", "online"],
        ["so-so", "", "pigeon"],
        ["future", "Care for my son", "visit", "extra"],
    ]
    report = entry_rows(rows, PERSPECTIVES)
    assert not report.accepted
    assert [row.row for row in report.rows] == [2, 3, 4]
    assert report.rows[0].problems == () and report.rows[0].entry is not None
    assert report.rows[1].problems == (
        "Row 3: the kind must be working well, not working well or important for the future "
        "(it says “so-so”).",
        "Row 3: please type the entry.",
        "Row 3: the channel must be one of online, easy read, telephone, video call, "
        "sign-language video, visit, paper (it says “pigeon”).",
    )
    assert report.rows[2].problems == (
        "Row 4 has cells outside the columns; remove the extra ones.",
    )
    with pytest.raises(ValueError):
        report.entries  # noqa: B018 - nothing of a refused file is saved


def test_an_unknown_perspective_is_a_problem_with_its_row():
    rows = [["kind", "entry", "channel", "perspective"], ["future", "Care", "paper", "Martians"]]
    (row,) = entry_rows(rows, PERSPECTIVES).rows
    assert row.problems == (
        "Row 2: “Martians” is not one of the workshop's perspectives; leave the cell empty or "
        "use one of them.",
    )


def test_the_header_must_name_the_columns():
    report = entry_rows([["kind", "text", "channel", "channel"]], PERSPECTIVES)
    assert report.problems == (
        "Row 1 has no entry column; add a column headed “entry”.",
        "Row 1 has two channel columns; keep one of them.",
        "Row 1 has columns that cannot be imported (“text”); keep only kind, entry, channel "
        "and perspective.",
    )
    assert not report.accepted
    assert entry_rows([], PERSPECTIVES).problems[0].startswith("The file is empty")
    assert entry_rows([["kind", "entry", "channel"]], PERSPECTIVES).problems == (
        "The file has no entries in it: add one row per entry under row 1.",
    )


def test_a_long_list_of_problems_is_cut_short_and_counted():
    rows = [["kind", "entry", "channel"], *[["?", "fine", "paper"]] * (MAX_LISTED_PROBLEMS + 5)]
    problems = entry_rows(rows, PERSPECTIVES).all_problems()
    assert len(problems) == MAX_LISTED_PROBLEMS + 1
    assert problems[-1] == "And 5 more problems like these."
