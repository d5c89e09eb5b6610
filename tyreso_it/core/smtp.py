"""The SMTP mailer: Django's, which also says which recipients the server refused."""

import email.policy
import smtplib

from django.core.mail.backends import smtp


class EmailBackend(smtp.EmailBackend):
    """Django's SMTP backend; after a send, `email_message.refused_recipients` holds
    {address: (code, reply)} for each recipient the server refused while it accepted the
    others (smtplib reports those only in the return value that Django drops). When the server
    refuses them all, smtplib raises `SMTPRecipientsRefused`, as before."""

    def _send(self, email_message):
        # Django's own _send, keeping what sendmail returns.
        email_message.refused_recipients = {}
        if not email_message.recipients():
            return False
        from_email = self.prep_address(email_message.from_email)
        recipients = [self.prep_address(addr) for addr in email_message.recipients()]
        message = email_message.message(policy=email.policy.SMTP)
        try:
            email_message.refused_recipients = self.connection.sendmail(
                from_email, recipients, message.as_bytes()
            )
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True
