from sizes.core.checks import check_sizes_settings


def test_good_defaults_pass():
    assert check_sizes_settings() == []


def test_bad_numbers_are_reported_by_name(settings):
    settings.SIZES_CONSULTATION_DAYS = -1
    settings.SIZES_MAX_TERM_DAYS = "three years"
    errors = check_sizes_settings()
    assert [e.id for e in errors] == ["sizes.E001", "sizes.E002"]
    assert "SIZES_MAX_TERM_DAYS" in errors[1].msg and "'three years'" in errors[1].msg
