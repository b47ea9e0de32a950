"""The expert's own part (SPEC §17): a personal link instead of an account, through which the expert sees the data
held about them, confirms it or proposes corrections (accepted by an HR officer), and gives, refuses or withdraws
consent to their nominations."""
