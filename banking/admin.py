# Bank details are not in the admin: they change only through banking/services.py (a second
# person's confirmation after a call-back), and a full account number is shown only to finance
# officers, each look recorded (banking.views.account_reveal).
