"""Words of the frame every page shares: the header and menu, signing in, roles, and
the error page."""

from __future__ import annotations

FRAME: dict[str, tuple[str, str]] = {
    "sample_data_banner": (
        "Sample data: the people, trainings, coaching and awareness sessions shown here "
        "include invented records for trying the system out, not real ones.",
        "ទិន្នន័យគំរូ៖ បុគ្គលិក វគ្គបណ្ដុះបណ្ដាល ការបង្ហាត់បង្ហាញ និងវគ្គលើកកម្ពស់ការយល់ដឹង "
        "ដែលបង្ហាញនៅទីនេះ មានកំណត់ត្រាដែលបង្កើតឡើងសម្រាប់សាកល្បងប្រព័ន្ធ មិនមែនជាកំណត់ត្រាពិតទេ។",
    ),
    # --- frame -----------------------------------------------------------------------
    "app_name": ("Referral network", "បណ្ដាញបញ្ជូនករណី"),
    "skip": ("Skip to content", "រំលងទៅមាតិកា"),
    "language": ("Language", "ភាសា"),
    "signed_in_as": ("Signed in as {name}", "បានចូលប្រើជា {name}"),
    "nav_cases": ("Cases", "ករណី"),
    "nav_inbox": ("Inbox", "ប្រអប់ទទួល"),
    "nav_dashboard": ("Dashboard", "ផ្ទាំងតាមដាន"),
    "nav_directory": ("Directory", "បញ្ជីអ្នកផ្ដល់សេវា"),
    "main_nav": ("Main", "ម៉ឺនុយចម្បង"),
    # --- sign-in ---------------------------------------------------------------------
    "sign_in": ("Sign in", "ចូលប្រើ"),
    "sign_in_title": ("Sign in to the referral network", "ចូលប្រើបណ្ដាញបញ្ជូនករណី"),
    "sign_out": ("Sign out", "ចាកចេញ"),
    "username": ("Username", "ឈ្មោះអ្នកប្រើ"),
    "password": ("Password", "ពាក្យសម្ងាត់"),
    "signin_failed": ("Wrong username or password.", "ឈ្មោះអ្នកប្រើ ឬពាក្យសម្ងាត់មិនត្រឹមត្រូវ។"),
    "signin_locked": (
        "Too many failed sign-ins. Wait 15 minutes and try again.",
        "ការចូលប្រើបរាជ័យច្រើនដងពេក។ សូមរង់ចាំ ១៥ នាទី ហើយព្យាយាមម្ដងទៀត។",
    ),
    "signed_out": ("You are signed out.", "អ្នកបានចាកចេញហើយ។"),
    "session_expired": (
        "Please sign in to continue.",
        "សូមចូលប្រើដើម្បីបន្ត។",
    ),
    "csrf_failed": (
        "This form has expired. Please try again.",
        "ទម្រង់នេះផុតកំណត់ហើយ។ សូមព្យាយាមម្ដងទៀត។",
    ),
    "privacy_note": (
        "Cases are known only by a code. Every look at a case is recorded.",
        "ករណីត្រូវបានស្គាល់តាមលេខកូដតែប៉ុណ្ណោះ។ រាល់ការមើលករណីត្រូវបានកត់ត្រាទុក។",
    ),
    # --- roles -----------------------------------------------------------------------
    "role_ccwc": ("CCWC", "គ.ក.ន.ក"),
    "role_provider": ("Provider", "អ្នកផ្ដល់សេវា"),
    "role_supervisor": ("Supervisor", "អ្នកត្រួតពិនិត្យ"),
    "role_coordinator": ("Coordinator", "អ្នកសម្របសម្រួល"),
    "role_admin": ("Administrator", "អ្នកគ្រប់គ្រងប្រព័ន្ធ"),
    # --- errors --------------------------------------------------------------------------
    "error_title": ("Something went wrong", "មានបញ្ហាកើតឡើង"),
    "not_found": (
        "Not found, or not yours to see.",
        "រកមិនឃើញ ឬអ្នកមិនមានសិទ្ធិមើល។",
    ),
    "forbidden": ("Your account may not do this.", "គណនីរបស់អ្នកមិនមានសិទ្ធិធ្វើការនេះទេ។"),
    "back_home": ("Back to the start page", "ត្រឡប់ទៅទំព័រដើម"),
}
